using Ledger.Application.Cases;
using Ledger.Application.Import;
using Ledger.Application.Typical;
using Ledger.Domain;
using Ledger.Domain.Typical;
using Ledger.EventStore;
using Ledger.Simulation.Reference;
using Ledger.Testing;
using Npgsql;
using static Ledger.Domain.Typical.SelectionCommand;

namespace Ledger.Application.Tests;

/// <summary>
/// The typical-case workflow against PostgreSQL with the 稷山 shoe-shop case (a natural person's ID, phone and address
/// on file) and the 运城 supplier-lead case still open: refusals write nothing, retries are idempotent, publication
/// stores the artefacts whose hashes the event records, the artefacts table is append-only, and a decision revoked after
/// publication makes a withdrawal due.
/// </summary>
public sealed class TypicalCaseSelectionTests : IAsyncLifetime
{
    private const string Shoes = "140824-2025-0012", StillOpen = "140800-2025-0203";
    private static readonly SelectionId Shanxi2025 = new(RegionCode.Parse("140000"), 2025);
    private TestDatabase db = null!;
    private LedgerEventStore store = null!;
    private TypicalCaseSelections selections = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync();
        store = LedgerEvents.Store(db.App);
        var dataset = ReferenceDataset.Generate();
        var importer = new CaseImporter(store, new CaseCommandHandler(store, SystemClock.Instance), SystemClock.Instance);
        var report = await importer.ImportAsync([.. dataset.Actions.Where(a => a.CaseId is Shoes or StillOpen)], [], "test", new ImportOptions());
        report.Problems.ShouldBeEmpty();
        selections = new TypicalCaseSelections(store, SystemClock.Instance);
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private Task<SelectionOutcome> Handle(SelectionCommand command, string key, string actor = "14000000301") =>
        selections.HandleAsync(Shanxi2025, command, actor, key);

    private async Task PublishShoesAsync()
    {
        await Handle(new NominateCase(Shoes, "14000000301"), "n1");
        await Handle(new DraftCase(Shoes, null, null, null, "销售者能证明合法取得并说明提供者的，依法不予处罚，同时追溯上游供货商。", "14000000301"), "d1");
        await Handle(new ApproveSelection(new LocalDate(2026, 4, 20), "14000000001", "同意发布。", "本年度全省仅此一件案件符合典型案例条件。"), "a1", "14000000001");
        await Handle(new PublishSelection(new LocalDate(2026, 4, 26), "14000000301"), "p1");
    }

    [Fact]
    public async Task A_refused_command_writes_nothing_and_says_why()
    {
        var before = await db.CountEventsAsync();
        var open = await Should.ThrowAsync<DomainRuleViolation>(() => Handle(new NominateCase(StillOpen, "14000000301"), "k1"));
        open.Field.ShouldBe("case_id");
        open.Rule.ShouldContain("is not closed");
        var unknown = await Should.ThrowAsync<DomainRuleViolation>(() => Handle(new NominateCase("140824-2025-9999", "14000000301"), "k2"));
        unknown.Rule.ShouldContain("no case '140824-2025-9999'");
        var badId = await Should.ThrowAsync<DomainRuleViolation>(() => Handle(new NominateCase("x'; drop table ledger.events; --", "14000000301"), "k3"));
        badId.Field.ShouldBe("case_id");
        await Handle(new NominateCase(Shoes, "14000000301"), "k4");
        var named = await Should.ThrowAsync<DomainRuleViolation>(() =>
            Handle(new DraftCase(Shoes, null, null, null, "当事人电话13935900000，请核实。", "14000000301"), "k5"));
        named.Field.ShouldBe("significance");
        named.Rule.ShouldContain("“13935900000” (characters 6–16) is a phone number");
        (await db.CountEventsAsync()).ShouldBe(before + 2, "only the opening and the one nomination");
    }

    [Fact]
    public async Task A_retried_command_returns_its_first_outcome_and_writes_nothing()
    {
        var first = await Handle(new NominateCase(Shoes, "14000000301"), "same-key");
        var count = await db.CountEventsAsync();
        var again = await Handle(new NominateCase(Shoes, "14000000301"), "same-key");
        again.AlreadyApplied.ShouldBeTrue();
        // The first nomination opens the selection too: the replay reports both events, as the first answer did.
        first.EventTypes.Count.ShouldBe(2);
        (again.FromVersion, again.ToVersion).ShouldBe((first.FromVersion, first.ToVersion));
        again.EventTypes.ShouldBe(first.EventTypes);
        (await db.CountEventsAsync()).ShouldBe(count);
        var reused = await Should.ThrowAsync<DomainRuleViolation>(() => Handle(new RankCases([Shoes], "14000000301"), "same-key"));
        reused.Field.ShouldBe("idempotency_key");
        // The key is its sender's, and bound to the body it came with.
        (await Should.ThrowAsync<DomainRuleViolation>(() => Handle(new NominateCase(Shoes, "14000000302"), "same-key", actor: "14000000302")))
            .Rule.ShouldContain("another caller");
        (await Should.ThrowAsync<DomainRuleViolation>(() => Handle(new NominateCase(Shoes, "14000000399"), "same-key")))
            .Rule.ShouldContain("different body");
        (await db.CountEventsAsync()).ShouldBe(count);
    }

    [Fact]
    public async Task Publication_stores_each_artefact_whose_hash_the_event_records_and_never_changes_it()
    {
        await PublishShoesAsync();
        var (history, state) = await selections.LoadAsync(Shanxi2025);
        var published = history.Select(h => h.Event).OfType<SelectionEvent.SelectionPublished>().Single();
        foreach (var document in published.Documents)
        {
            var artefact = await selections.ArtefactAsync(Shanxi2025, 1, document.Format);
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(artefact.Content)).ShouldBe(document.Sha256);
            artefact.Content.Length.ShouldBe((int)document.Length);
            artefact.MatchesRendering.ShouldBeTrue();
            foreach (var personal in new[] { "王某某", "14082419870315241", "13935900000", "某街道某鞋铺" })
                artefact.Text.ShouldNotContain(personal, Case.Sensitive, document.Format);
        }
        var html = (await selections.ArtefactAsync(Shanxi2025, 1, "html")).Text;
        html.ShouldContain("稷山县市场监督管理局查处某某销售侵犯“N”注册商标专用权商品案");
        html.ShouldContain("本年度发布典型案例一件。本年度全省仅此一件案件符合典型案例条件。");
        state.Editions.Single().Documents.ShouldBe(published.Documents);

        foreach (var sql in new[]
                 {
                     "update ledger.published_artefacts set content = 'x'::bytea",
                     "delete from ledger.published_artefacts",
                     "truncate ledger.published_artefacts",
                 })
        {
            await using var command = db.Owner.CreateCommand(sql);
            var refused = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            refused.MessageText.ShouldContain("a published edition is never changed or removed");
        }
        await using (var forged = db.Owner.CreateCommand(
            "insert into ledger.published_artefacts (stream_id, edition, format, media_type, sha256, content) values ('typical-cases/140000/2025', 2, 'html', 'text/html', repeat('0', 64), 'x'::bytea)"))
            (await Should.ThrowAsync<PostgresException>(() => forged.ExecuteNonQueryAsync())).ConstraintName.ShouldBe("published_artefacts_hash_matches");
    }

    [Fact]
    public async Task A_decision_revoked_after_publication_makes_a_withdrawal_due_within_three_working_days()
    {
        await PublishShoesAsync();
        var handler = new CaseCommandHandler(store, SystemClock.Instance);
        await handler.HandleAsync(new CommandEnvelope(Shoes, "14082400001", "review-1"),
            new CaseCommand.ApplyForReview(new LocalDate(2026, 5, 6), ReviewKind.Litigation, "稷山县人民法院"));
        await handler.HandleAsync(new CommandEnvelope(Shoes, "14082400001", "review-2"),
            new CaseCommand.ConcludeReview(new LocalDate(2026, 5, 8), ReviewKind.Litigation, ReviewOutcome.Revoked, "(2026)晋0824行初3号", []));

        var view = await selections.ViewAsync(Shanxi2025, new LocalDate(2026, 5, 12));
        var due = view.WithdrawalsDue.ShouldHaveSingleItem();
        (due.CaseId, due.ChangedOn, due.DueOn, due.Overdue).ShouldBe((Shoes, new LocalDate(2026, 5, 8), new LocalDate(2026, 5, 12), false),
            "Friday 8 May + 3 working days: Saturday 9 May (a make-up working day in 2026), Monday 11, Tuesday 12");
        (await selections.ViewAsync(Shanxi2025, new LocalDate(2026, 5, 13))).WithdrawalsDue.Single().Overdue.ShouldBeTrue();

        await Handle(new WithdrawPublishedCase(Shoes, new LocalDate(2026, 5, 11), "人民法院判决撤销了原决定", "14000000301"), "w1");
        view = await selections.ViewAsync(Shanxi2025, new LocalDate(2026, 5, 14));
        view.WithdrawalsDue.Single().WithdrawnOn.ShouldBe(new LocalDate(2026, 5, 11));
        view.State.Entries.ShouldBeEmpty();
        // A revoked decision is no typical case: it cannot be nominated again, and edition 1 stays as published.
        (await Should.ThrowAsync<DomainRuleViolation>(() => Handle(new NominateCase(Shoes, "14000000301"), "n2"))).Rule.ShouldContain("was revoked");
        (await selections.ArtefactAsync(Shanxi2025, 1, "html")).MatchesStoredHash.ShouldBeTrue();
    }
}
