using Ledger.Application.Cases;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.Testing;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Application.Tests;

/// <summary>Command handling against a real PostgreSQL: decide, append with the expected version, case view in the same transaction.</summary>
public sealed class CaseCommandHandlerTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private LedgerEventStore store = null!;
    private CaseCommandHandler handler = null!;
    private const string CaseId = "140824-2025-0012";

    private static LocalDate D(int month, int day) => new(2025, month, day);
    private static readonly Party Shop = new(PartyKind.NaturalPerson, "余某某");
    private static readonly ProtectedRight Mark = new(RightKind.Trademark, "N", null, "某体育用品有限公司");
    private static readonly RegisterLead Lead = new(D(2, 19), LeadSource.Complaint, "投诉某鞋铺", RegionCode.Parse("140824"),
        CaseKind.TrademarkInfringement, Shop, Mark, D(2, 10), [], ["铁拳2025"]);


    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync();
        store = LedgerEvents.Store(db.App);
        handler = new CaseCommandHandler(store, new FakeClock(Instant.FromUtc(2025, 12, 1, 2, 0)));
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private Task<CommandOutcome> Send(CaseCommand command, string key, long? expected = null) =>
        handler.HandleAsync(new CommandEnvelope(CaseId, "稷山县市场监督管理局/14082401017", key, expected), command);

    private async Task<Dictionary<string, object?>> ViewRowAsync()
    {
        await using var command = db.Owner.CreateCommand("select version, status, fines, confiscations, case_value, campaigns, next_due_name, next_due_on from ledger.case_view where case_id = $1");
        command.Parameters.AddWithValue(CaseId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return [];
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
    }

    private async Task FileAndNotifyAsync()
    {
        await Send(Lead, "k1");
        await Send(new FileCase(D(2, 25), "14082400001", ["商标法第五十七条第三项"]), "k2");
        await Send(new AssignOfficers(D(2, 25), [new Officer("14082401017", "甲"), new Officer("14082401022", "乙")]), "k3");
        await Send(new AssessAmounts(D(3, 10), new Assessment(Money.FromYuan(60_000), "销售记录"), null, new Assessment(Money.FromYuan(8_000), "扣除成本")), "k4");
        await Send(new CompleteLegalReview(D(3, 20), "14082400101", true, "同意"), "k5");
        await Send(new ServeAdvanceNotice(D(3, 25), [new PenaltyItem(PenaltyItemKind.Fine, Money.FromYuan(100_000)), new PenaltyItem(PenaltyItemKind.ConfiscationOfGains, Money.FromYuan(8_000))], ["商标法第六十条第二款"]), "k6");
    }

    [Fact]
    public async Task ACommandAppendsItsEventsAndTheCaseViewInTheSameTransaction()
    {
        await FileAndNotifyAsync();
        var outcome = await Send(new DecidePenalty(D(4, 15), "稷市监处罚〔2025〕12号",
            [new PenaltyItem(PenaltyItemKind.Fine, Money.FromYuan(100_000)), new PenaltyItem(PenaltyItemKind.ConfiscationOfGains, Money.FromYuan(8_000))],
            ["商标法第六十条第二款"], "14082400001"), "k7");
        outcome.ShouldBe(outcome with { FromVersion = 7, ToVersion = 7, AlreadyApplied = false });
        outcome.EventTypes.ShouldBe(["penalty_decided.v2"]);

        var row = await ViewRowAsync();
        row["version"].ShouldBe(7L);
        row["status"].ShouldBe("decided");
        row["fines"].ShouldBe(100_000.00m);
        row["confiscations"].ShouldBe(8_000.00m);
        row["case_value"].ShouldBe(60_000.00m);
        row["campaigns"].ShouldBe(new[] { "铁拳2025" });
        row["next_due_name"].ShouldBe("service");

        var history = await CaseHistory.LoadAsync(store, CaseId);
        history.Entries.Select(e => e.Command).ShouldBe(["register_lead", "file_case", "assign_officers", "assess_amounts", "complete_legal_review", "serve_advance_notice", "decide_penalty"]);
        history.Entries.ShouldAllBe(e => e.Actor == "稷山县市场监督管理局/14082401017");
    }

    [Fact]
    public async Task ARetriedCommandWritesNothingAndReturnsTheOriginalOutcome()
    {
        var first = await Send(Lead, "lead-once");
        var filed = await Send(new FileCase(D(2, 25), "14082400001", ["商标法第五十七条第三项"]), "file-once");
        var eventsBefore = await db.CountEventsAsync();

        // Retrying the lead would be refused if decided again (the case exists); the key finds the first outcome.
        var retried = await Send(Lead, "lead-once");
        retried.AlreadyApplied.ShouldBeTrue();
        (retried.FromVersion, retried.ToVersion).ShouldBe((first.FromVersion, first.ToVersion));
        retried.EventTypes.ShouldBe(first.EventTypes);
        (await Send(new FileCase(D(2, 25), "14082400001", ["商标法第五十七条第三项"]), "file-once")).ToVersion.ShouldBe(filed.ToVersion);
        (await db.CountEventsAsync()).ShouldBe(eventsBefore);
    }

    [Fact]
    public async Task ASequenceBelievedNewMeetsACaseRecordedMeanwhileAsAConflictAndIsDecidedAgainOnIt()
    {
        // An import saw no such case, then someone recorded it: the append (expecting no stream) conflicts, the case is
        // read and the sequence decided again — here its lead is the one recorded, and the filing follows it.
        await Send(Lead, "lead-k");
        var outcomes = await handler.HandleSequenceAsync(CaseId,
            [new SequencedCommand(Lead, "稷山县市场监督管理局/14082401017", "lead-k", null),
             new SequencedCommand(new FileCase(D(2, 25), "14082400001", ["商标法第五十七条第三项"]), "稷山县市场监督管理局/14082401017", "file-k", null)],
            "import", believedNew: true);
        outcomes[0].AlreadyApplied.ShouldBeTrue();
        (outcomes[1].FromVersion, outcomes[1].ToVersion).ShouldBe((2L, 2L));
        (await db.CountEventsAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task AnIdempotencyKeyReusedForAnotherCommandIsRefusedAndNothingIsWritten()
    {
        await Send(Lead, "same-key");
        var refusal = await Should.ThrowAsync<DomainRuleViolation>(() => Send(new FileCase(D(2, 25), "14082400001", ["商标法第五十七条"]), "same-key"));
        refusal.Field.ShouldBe("idempotency_key");
        refusal.Rule.ShouldContain("register_lead");
        (await db.CountEventsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task ARefusedCommandWritesNoEventAndLeavesTheViewAlone()
    {
        await Send(Lead, "k1");
        var refusal = await Should.ThrowAsync<DomainRuleViolation>(() =>
            Send(new DecidePenalty(D(4, 15), "X", [new PenaltyItem(PenaltyItemKind.Fine, Money.FromYuan(1_000))], ["商标法"], "14082400001"), "k2"));
        refusal.Rule.ShouldContain("no decision before the case is filed");
        (await db.CountEventsAsync()).ShouldBe(1);
        (await ViewRowAsync())["version"].ShouldBe(1L);
    }

    [Fact]
    public async Task AStaleExpectedVersionIsAConflictCarryingTheCurrentVersion()
    {
        await Send(Lead, "k1");
        await Send(new FileCase(D(2, 25), "14082400001", ["商标法第五十七条第三项"]), "k2");
        var conflict = await Should.ThrowAsync<ConcurrencyException>(() => Send(new RecordEvidence(D(2, 26), "笔录"), "k3", expected: 1));
        conflict.ActualVersion.ShouldBe(2);
        (await db.CountEventsAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task RacingCommandsOnOneCaseAreRetriedUntilEachIsRecordedOnce()
    {
        await Send(Lead, "k1");
        await Send(new FileCase(D(2, 25), "14082400001", ["商标法第五十七条第三项"]), "k2");
        var racing = new CaseCommandHandler(store, new FakeClock(Instant.FromUtc(2025, 12, 1, 2, 0)), maxAttempts: 50);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => racing.HandleAsync(new CommandEnvelope(CaseId, "officer", $"evidence-{i}"), new RecordEvidence(D(2, 26), $"证据{i}")))));
        outcomes.Select(o => o.ToVersion).Order().ShouldBe(Enumerable.Range(3, 12).Select(v => (long)v));
        (await ViewRowAsync())["version"].ShouldBe(14L);
        (await CaseHistory.LoadAsync(store, CaseId)).State.EvidenceCount.ShouldBe(12);
    }

    [Fact]
    public async Task TheCaseAsOfAnEarlierVersionIsWhatItWasThen()
    {
        await FileAndNotifyAsync();
        var atFiling = await CaseHistory.LoadAsync(store, CaseId, toVersion: 2);
        atFiling.State.Status.ShouldBe(CaseStatus.Investigating);
        atFiling.State.Handlers.ShouldBeEmpty();
        (await CaseHistory.LoadAsync(store, CaseId)).State.Notice.ShouldNotBeNull();
    }
}
