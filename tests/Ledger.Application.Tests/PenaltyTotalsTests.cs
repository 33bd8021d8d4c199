using Ledger.Application.Cases;
using Ledger.Application.Projections;
using Ledger.Application.Tests.Support;
using Ledger.Application.Totals;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.Simulation;
using Ledger.Testing;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Application.Tests;

/// <summary>
/// The penalty totals projection and its query path against a real PostgreSQL, checked against an oracle that
/// folds every simulated case in memory.
/// </summary>
public sealed class PenaltyTotalsTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private LedgerEventStore store = null!;


    private static readonly IClock Now = new FakeClock(Instant.FromUtc(2026, 11, 21, 0, 0));

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync();
        store = LedgerEvents.Store(db.App);
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private ProjectionRunner Runner(int batchSize = 500, PenaltyTotalsProjection? projection = null) =>
        new(store, projection ?? new PenaltyTotalsProjection(store), batchSize);

    private static Instant At(string text) => TotalsQuery.ParseInstant(text, "as_of");

    private static void ShouldAgree(TotalsReport report, Dictionary<string, TotalsFigures> expected, string what)
    {
        var actual = report.Query.By == TotalsGrouping.None
            ? new Dictionary<string, TotalsFigures> { [""] = report.Total.Figures }
            : report.Lines.Where(l => l.Figures != TotalsFigures.Zero).ToDictionary(l => l.Key, l => l.Figures);
        var wanted = expected.Where(e => e.Value != TotalsFigures.Zero).ToDictionary();
        if (report.Query.By == TotalsGrouping.None && wanted.Count == 0) wanted[""] = TotalsFigures.Zero;
        actual.OrderBy(a => a.Key).ShouldBe(wanted.OrderBy(e => e.Key), what);
    }

    [Fact]
    public async Task TotalsAgreeWithFoldingEveryCaseForEveryCaliberRegionPeriodGroupingAndAsOfInstant()
    {
        var ledger = SimulatedLedger.Generate(seed: 7, count: 220);
        // Some decisions fine under two laws, so the breakdown by provision has a second line to get right.
        ledger.ContributionsAsOf(null).Count(c => c.ByProvision.Any(p => p.Provision == "product-labelling")).ShouldBeGreaterThan(0);
        await ledger.LoadAsync(store);
        (await Runner(batchSize: 97).CatchUpAsync()).ShouldBe(ledger.EventCount);
        var reader = new TotalsReader(db.App, Now);

        string?[] regions = [null, "140000", "140800", "140824", "140100", "150000", "410700"];
        (string From, string To)[] periods = [("2020-01-01", "2020-12-31"), ("2019-03-15", "2021-02-10"), ("2020-06-10", "2020-06-20"), ("2019-01-01", "2021-12-31")];
        // A month boundary, the middle of a month, a publication date, and the present.
        string?[] asOfs = [null, "2020-07-01T00:00+08:00", "2020-11-17T13:05+08:00", "2021-02-01T00:00+08:00"];
        var checkedLines = 0;
        foreach (var caliber in Enum.GetValues<Caliber>())
        foreach (var region in regions)
        foreach (var (from, to) in periods)
        foreach (var asOf in asOfs)
        foreach (var by in Enum.GetValues<TotalsGrouping>())
        {
            var query = TotalsQuery.Parse(region, from, to, null, null, null, SnakeCase.Of(by), SnakeCase.Of(caliber), asOf, null, Now.GetCurrentInstant());
            var report = await reader.QueryAsync(query);
            var expected = ledger.Expected(query, query.Period, by);
            ShouldAgree(report, expected, $"{caliber} {region} {from}..{to} as of {asOf} by {by}");
            report.Total.Figures.ShouldBe(ledger.Expected(query, query.Period, TotalsGrouping.None).GetValueOrDefault("", TotalsFigures.Zero));
            checkedLines += expected.Count;
        }
        checkedLines.ShouldBeGreaterThan(1_000, "the matrix should compare real figures, not empty ones");
    }

    [Fact]
    public async Task EveryRunOfATotalsQuestionIsPlannedForItsOwnValuesAndThePooledConnectionKeepsItsSettings()
    {
        var ledger = SimulatedLedger.Generate(seed: 5, count: 40);
        await ledger.LoadAsync(store);
        await Runner().CatchUpAsync();
        // One pooled connection, so every run below uses the connection the checks then look at.
        await using var oneConnection = Ledger.EventStore.Hosting.LedgerDatabase.CreateDataSource(db.Owner.ConnectionString, maxPoolSize: 1);
        var reader = new TotalsReader(oneConnection, Now);
        var query = TotalsQuery.Parse("140000", "2020-01-01", "2020-12-31", null, null, null, "none", "closed", "2021-02-17T10:00+08:00", null, Now.GetCurrentInstant());

        // Prepared after five runs; PostgreSQL would then choose a generic plan after five more with custom ones.
        for (var run = 0; run < 15; run++)
            (await reader.QueryAsync(query)).Total.Figures.ShouldBe(ledger.Expected(query, query.Period, TotalsGrouping.None).GetValueOrDefault("", TotalsFigures.Zero));

        await using var plans = oneConnection.CreateCommand(
            "select coalesce(sum(custom_plans), 0)::bigint, coalesce(sum(generic_plans), 0)::bigint from pg_prepared_statements " +
            "where statement like '%ledger.totals_monthly%'");
        await using (var row = await plans.ExecuteReaderAsync())
        {
            (await row.ReadAsync()).ShouldBeTrue();
            row.GetInt64(0).ShouldBeGreaterThan(0, "the totals statement should have been prepared and planned for its values");
            row.GetInt64(1).ShouldBe(0, "no run of a totals question should take a generic plan");
        }
        await using var setting = oneConnection.CreateCommand("show plan_cache_mode");
        ((string)(await setting.ExecuteScalarAsync())!).ShouldBe("auto", "the setting holds for the question's own transaction only");
    }

    [Fact]
    public async Task FiltersByKindCampaignAndFlagAndComparisonsAgreeWithFolding()
    {
        var ledger = SimulatedLedger.Generate(seed: 11, count: 180);
        await ledger.LoadAsync(store);
        await Runner().CatchUpAsync();
        var reader = new TotalsReader(db.App, Now);

        (string? Kind, string? Campaign, string? Flag)[] filters =
            [("trademark", null, null), ("patent_counterfeiting,patent_agency", null, null), (null, "铁拳2020", null), (null, null, CaseFlags.ForeignRelated),
             ("trademark_infringement", "铁拳2020", CaseFlags.ECommerce)];
        foreach (var (kind, campaign, flag) in filters)
        foreach (var compare in new[] { "previous-year", "previous-period" })
        foreach (var by in new[] { "none", "kind", "month", "region" })
        {
            var query = TotalsQuery.Parse("140000", "2020-04-01", "2020-12-31", kind, campaign, flag, by, "closed", "2021-03-01T00:00+08:00", compare, Now.GetCurrentInstant());
            var report = await reader.QueryAsync(query);
            ShouldAgree(report, ledger.Expected(query, query.Period, query.By), $"{kind}/{campaign}/{flag} by {by}");
            var compared = ledger.Expected(query, report.ComparedPeriod!, query.By);
            report.Total.Compared.ShouldBe(compared.Values.Aggregate(TotalsFigures.Zero, (a, b) => a.Plus(b)));
            if (query.By == TotalsGrouping.Month)
            {
                report.ComparedPeriod.ShouldBe(compare == "previous-year"
                    ? new DateInterval(new LocalDate(2019, 4, 1), new LocalDate(2019, 12, 31))
                    : new DateInterval(new LocalDate(2019, 7, 1), new LocalDate(2020, 3, 31)));
                foreach (var (line, i) in report.Lines.Select((l, i) => (l, i)))
                {
                    var month = report.ComparedPeriod!.Start.PlusMonths(i);
                    line.Compared.ShouldBe(compared.GetValueOrDefault($"{month.Year:0000}-{month.Month:00}", TotalsFigures.Zero));
                }
            }
        }
    }

    private async Task<(string Changes, string Monthly)> SnapshotAsync()
    {
        async Task<string> Dump(string sql)
        {
            await using var command = db.Owner.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync();
            var text = new System.Text.StringBuilder();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    text.Append(reader.IsDBNull(i) ? "∅" : reader.GetValue(i) is Array a ? string.Join('|', a.Cast<object>()) : reader.GetValue(i).ToString()).Append('\t');
                text.Append('\n');
            }
            return text.ToString();
        }
        return (await Dump("select * from ledger.totals_changes order by position, seq"),
                await Dump("select * from ledger.totals_monthly order by caliber, level, region, month, kind, recorded_month"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task PropertyARebuildEqualsIncrementalProcessingInAnyBatching(int seed)
    {
        var random = new Random(seed * 7919);
        var ledger = SimulatedLedger.Generate(seed, count: 70);
        var projection = new PenaltyTotalsProjection(store, cacheLimit: random.Next(5, 50));
        foreach (var chunk in ledger.Chunks(random.Next(2, 6)))
        {
            await BulkLoader.LoadAsync(store, chunk);
            // Partial catch-ups of random sizes; sometimes a fresh runner that restores states from the store.
            for (var batches = random.Next(0, 4); batches > 0; batches--)
            {
                if (random.NextDouble() < 0.3) projection = new PenaltyTotalsProjection(store, cacheLimit: random.Next(5, 50));
                await Runner(random.Next(1, 200), projection).RunBatchAsync();
            }
        }
        await Runner(random.Next(1, 300), projection).CatchUpAsync();
        var incremental = await SnapshotAsync();
        incremental.Changes.ShouldNotBeEmpty();

        (await Runner().RebuildAsync(pageSize: random.Next(50, 5_000))).ShouldBe(ledger.EventCount);
        var rebuilt = await SnapshotAsync();
        rebuilt.Changes.ShouldBe(incremental.Changes);
        rebuilt.Monthly.ShouldBe(incremental.Monthly);

        var status = await ProjectionRunner.StatusAsync(db.App, PenaltyTotalsProjection.ProjectionName);
        status.EventsApplied.ShouldBe(ledger.EventCount);
        status.EventsBehind.ShouldBe(0);
        status.RebuiltAt.ShouldNotBeNull();
    }

    /// <summary>Fails after applying its second batch, before the checkpoint moves: a crash mid-transaction.</summary>
    private sealed class CrashingProjection(IProjection inner, int crashOnCall) : IProjection
    {
        private int calls;
        public string Name => inner.Name;
        public Task ResetAsync(NpgsqlConnection c, NpgsqlTransaction t, CancellationToken ct) => inner.ResetAsync(c, t, ct);
        public Task CompleteRebuildAsync(NpgsqlConnection c, NpgsqlTransaction t, CancellationToken ct) => inner.CompleteRebuildAsync(c, t, ct);
        public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection c, NpgsqlTransaction t, CancellationToken ct)
        {
            await inner.ApplyAsync(events, c, t, ct);
            if (++calls == crashOnCall) throw new IOException("simulated crash after writing the batch's rows");
        }
        public void Committed() => inner.Committed();
        public void RolledBack() => inner.RolledBack();
    }

    /// <summary>Holds a rebuild open, with every page applied, until the test lets it complete.</summary>
    private sealed class HeldRebuild(IProjection inner) : IProjection
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Name => inner.Name;
        public Task ResetAsync(NpgsqlConnection c, NpgsqlTransaction t, CancellationToken ct) => inner.ResetAsync(c, t, ct);
        public Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection c, NpgsqlTransaction t, CancellationToken ct) => inner.ApplyAsync(events, c, t, ct);
        public async Task CompleteRebuildAsync(NpgsqlConnection c, NpgsqlTransaction t, CancellationToken ct)
        {
            Reached.SetResult();
            await Release.Task;
            await inner.CompleteRebuildAsync(c, t, ct);
        }
        public void Committed() => inner.Committed();
        public void RolledBack() => inner.RolledBack();
    }

    [Fact]
    public async Task ARebuildDoesNotHoldUpReadersWhoSeeTheOldFiguresUntilItCommits()
    {
        var ledger = SimulatedLedger.Generate(seed: 11, count: 60);
        await ledger.LoadAsync(store);
        await Runner().CatchUpAsync();
        var reader = new TotalsReader(db.App, Now);
        var query = TotalsQuery.Parse(null, "2016-01-01", "2025-12-31", null, null, null, "region", "closed", null, null, Now.GetCurrentInstant());
        async Task<TotalsLine[]> FiguresAsync() => [.. (await reader.QueryAsync(query)).Lines];
        var before = await FiguresAsync();
        before.Sum(l => l.Figures.Cases).ShouldBeGreaterThan(0);
        // The rebuild's figures differ from the old ones only if something changed: make the old ones visibly stale.
        await using (var touch = db.Owner.CreateCommand("update ledger.totals_monthly set cases = cases + 1000"))
            await touch.ExecuteNonQueryAsync();
        var stale = await FiguresAsync();

        var held = new HeldRebuild(new PenaltyTotalsProjection(store));
        var rebuild = new ProjectionRunner(store, held).RebuildAsync();
        await held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Mid-rebuild (old rows deleted, new ones written, nothing committed): a reader is answered at once, from the old rows.
        var during = await FiguresAsync().WaitAsync(TimeSpan.FromSeconds(10));
        during.ShouldBe(stale);
        stale.ShouldNotBe(before);

        held.Release.SetResult();
        await rebuild;
        (await FiguresAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task ACrashMidBatchLosesNothingAndCountsNothingTwice()
    {
        var ledger = SimulatedLedger.Generate(seed: 5, count: 60);
        await ledger.LoadAsync(store, chunks: 1);
        var crashing = new ProjectionRunner(store, new CrashingProjection(new PenaltyTotalsProjection(store), crashOnCall: 2), batchSize: 100);
        await Should.ThrowAsync<IOException>(() => crashing.CatchUpAsync());
        (await ProjectionRunner.StatusAsync(db.App, PenaltyTotalsProjection.ProjectionName)).EventsApplied.ShouldBe(100, "only the first batch committed");

        // A restarted runner (new process: empty cache) carries on from the checkpoint.
        await Runner(batchSize: 100).CatchUpAsync();
        var reader = new TotalsReader(db.App, Now);
        foreach (var caliber in new[] { "filed", "decided", "closed" })
        {
            var query = TotalsQuery.Parse(null, "2019-01-01", "2021-12-31", null, null, null, "region", caliber, null, null, Now.GetCurrentInstant());
            ShouldAgree(await reader.QueryAsync(query), ledger.Expected(query, query.Period, query.By), caliber);
        }
        (await ProjectionRunner.StatusAsync(db.App, PenaltyTotalsProjection.ProjectionName)).EventsApplied.ShouldBe(ledger.EventCount);
    }

    [Fact]
    public async Task TwoRunnersAtOnceApplyEachEventExactlyOnce()
    {
        var ledger = SimulatedLedger.Generate(seed: 9, count: 80);
        await ledger.LoadAsync(store);
        await Task.WhenAll(Runner(batchSize: 40).CatchUpAsync(), Runner(batchSize: 40).CatchUpAsync(), Runner(batchSize: 25).CatchUpAsync());
        var concurrent = await SnapshotAsync();
        (await ProjectionRunner.StatusAsync(db.App, PenaltyTotalsProjection.ProjectionName)).EventsApplied.ShouldBe(ledger.EventCount);

        await Runner().RebuildAsync();
        (await SnapshotAsync()).ShouldBe(concurrent);
    }

    [Fact]
    public async Task ACorrectionAfterPublicationChangesCurrentTotalsButNotTheFigureAsPublished()
    {
        var handler = new CaseCommandHandler(store, Now);
        const string caseId = "150102-2020-0042";
        var head = "15010200001";
        var i = 0;
        Task<CommandOutcome> Send(CaseCommand command) => handler.HandleAsync(new CommandEnvelope(caseId, "呼和浩特市新城区市场监督管理局", $"k{i++}"), command);
        LocalDate D(int m, int d) => new(2020, m, d);

        await Send(new RegisterLead(D(3, 2), LeadSource.Inspection, "检查发现销售假冒口罩", RegionCode.Parse("150102"), CaseKind.TrademarkInfringement,
            new Party(PartyKind.Organisation, "某药房有限公司"), new ProtectedRight(RightKind.Trademark, "3M", null, "3M Company"), D(2, 20),
            [CaseFlags.ForeignRelated, CaseFlags.EpidemicPreventionGoods], ["铁拳2020"]));
        await Send(new FileCase(D(3, 3), head, ["商标法第五十七条第三项"]));
        await Send(new AssignOfficers(D(3, 3), [new Officer("15010201001", "甲"), new Officer("15010201002", "乙")]));
        await Send(new AssessAmounts(D(3, 20), new Assessment(Money.FromYuan(24_000), "销售记录"), null, new Assessment(Money.FromYuan(6_000), "扣除成本")));
        await Send(new CompleteLegalReview(D(3, 25), "15010200101", true, "同意"));
        await Send(new ServeAdvanceNotice(D(3, 26), [new PenaltyItem(PenaltyItemKind.Fine, Money.FromYuan(60_000)), new PenaltyItem(PenaltyItemKind.ConfiscationOfGains, Money.FromYuan(6_000))], ["商标法第六十条第二款"]));
        await Send(new DecidePenalty(D(4, 10), "新市监处罚〔2020〕8号", [new PenaltyItem(PenaltyItemKind.Fine, Money.FromYuan(60_000)), new PenaltyItem(PenaltyItemKind.ConfiscationOfGains, Money.FromYuan(6_000))], ["商标法第六十条第二款"], head));
        await Send(new ServeDecision(D(4, 10), "直接送达"));
        await Send(new RecordPayment(D(4, 20), Money.FromYuan(66_000), "缴款书"));
        var closed = await Send(new CloseCase(D(4, 25), ClosingGround.Executed, "结案"));
        await Send(new ApplyForReview(D(5, 20), ReviewKind.Reconsideration, "呼和浩特市新城区人民政府"));
        var published = (await store.ReadStreamAsync(caseId)).Max(e => e.RecordedAt) + Duration.FromMilliseconds(1);
        await Task.Delay(5);
        await Send(new ConcludeReview(D(7, 15), ReviewKind.Reconsideration, ReviewOutcome.Varied, "复决〔2020〕3号",
            [new PenaltyItem(PenaltyItemKind.Fine, Money.FromYuan(40_000)), new PenaltyItem(PenaltyItemKind.ConfiscationOfGains, Money.FromYuan(6_000))]));

        await Runner().CatchUpAsync();
        var reader = new TotalsReader(db.App, Now);
        TotalsQuery Query(Instant? asOf) => new(RegionCode.Parse("150000"), new DateInterval(new LocalDate(2020, 1, 1), new LocalDate(2020, 12, 31)),
            CaseKinds.Parse("trademark_infringement"), "铁拳2020", CaseFlags.EpidemicPreventionGoods, AsOf: asOf);

        var asPublished = await reader.QueryAsync(Query(published));
        asPublished.Total.Figures.ShouldBe(new TotalsFigures(1, Money.FromYuan(24_000), Money.FromYuan(60_000), Money.FromYuan(6_000), 0));
        asPublished.Current.ShouldBeFalse();
        asPublished.AsOf.ShouldBe(published);

        var current = await reader.QueryAsync(Query(null));
        current.Total.Figures.ShouldBe(new TotalsFigures(1, Money.FromYuan(24_000), Money.FromYuan(40_000), Money.FromYuan(6_000), 0));
        current.Total.Figures.FinesAndConfiscations.ShouldBe(Money.FromYuan(46_000));

        // Before the case was closed, the closed caliber does not count it; the filed caliber does.
        var beforeClosing = closed.RecordedAt - Duration.FromMilliseconds(1);
        (await reader.QueryAsync(Query(beforeClosing))).Total.Figures.Cases.ShouldBe(0);
        (await reader.QueryAsync(Query(beforeClosing) with { Caliber = Caliber.Filed })).Total.Figures.Cases.ShouldBe(1);
        (await reader.QueryAsync(Query(null) with { Region = RegionCode.Parse("140000") })).Total.Figures.Cases.ShouldBe(0);
    }

    [Fact]
    public async Task FinesUnderTwoLawsSplitByProvisionAndAVoidedClosingLeavesTheClosedTotalsFromTheVoidOn()
    {
        var handler = new CaseCommandHandler(store, Now);
        const string caseId = "150102-2020-0077";
        var head = "15010200001";
        var i = 0;
        Task<CommandOutcome> Send(CaseCommand command) => handler.HandleAsync(new CommandEnvelope(caseId, "呼和浩特市新城区市场监督管理局", $"k{i++}"), command);
        LocalDate D(int m, int d) => new(2020, m, d);
        PenaltyItem TrademarkFine(decimal yuan) => new(PenaltyItemKind.Fine, Money.FromYuan(yuan));
        PenaltyItem LabellingFine(decimal yuan) => new(PenaltyItemKind.Fine, Money.FromYuan(yuan), "产品标识不符合规定", "product-labelling");

        await Send(new RegisterLead(D(3, 2), LeadSource.Inspection, "检查发现销售假冒口罩", RegionCode.Parse("150102"), CaseKind.TrademarkInfringement,
            new Party(PartyKind.Organisation, "某药房有限公司"), new ProtectedRight(RightKind.Trademark, "3M", null, "3M Company"), D(2, 20), [], []));
        await Send(new FileCase(D(3, 3), head, ["商标法第五十七条第三项"]));
        await Send(new AssignOfficers(D(3, 3), [new Officer("15010201001", "甲"), new Officer("15010201002", "乙")]));
        await Send(new AssessAmounts(D(3, 20), new Assessment(Money.FromYuan(60_000), "销售记录"), new Assessment(Money.FromYuan(20_000), "标价"), null));
        await Send(new CompleteLegalReview(D(3, 25), "15010200101", true, "同意"));
        await Send(new ServeAdvanceNotice(D(3, 26), [TrademarkFine(300_000), LabellingFine(6_000)], ["商标法第六十条第二款", "产品质量法第五十四条"]));
        await Send(new DecidePenalty(D(4, 10), "新市监处罚〔2020〕9号", [TrademarkFine(300_000), LabellingFine(6_000)], ["商标法第六十条第二款", "产品质量法第五十四条"], head));
        await Send(new ServeDecision(D(4, 10), "直接送达"));
        await Send(new RecordPayment(D(4, 20), Money.FromYuan(306_000), "缴款书"));
        var closing = await Send(new CloseCase(D(4, 25), ClosingGround.Executed, "结案"));

        var runner = Runner();
        await runner.CatchUpAsync();
        var reader = new TotalsReader(db.App, Now);
        TotalsQuery Query(TotalsGrouping by = TotalsGrouping.None, Instant? asOf = null) =>
            new(RegionCode.Parse("150000"), new DateInterval(new LocalDate(2020, 1, 1), new LocalDate(2020, 12, 31)), By: by, AsOf: asOf);

        // 罚没金额 counts both laws' fines; the breakdown splits them exactly and counts the case on each line.
        (await reader.QueryAsync(Query())).Total.Figures.ShouldBe(new TotalsFigures(1, Money.FromYuan(60_000), Money.FromYuan(306_000), Money.Zero, 0));
        var byProvision = await reader.QueryAsync(Query(TotalsGrouping.Provision));
        byProvision.Lines.Select(l => (l.Key, l.Figures.Cases, l.Figures.Fines)).ShouldBe([
            ("product-labelling", 1L, Money.FromYuan(6_000)), ("trademark-infringement", 1L, Money.FromYuan(300_000))]);
        byProvision.Lines[0].Label.ShouldBe("product-labelling 产品质量法第五十四条");
        byProvision.Total.Figures.Cases.ShouldBe(1);

        // The closing was recorded by mistake: voided, the case leaves the closed figures; as of before the void it is there.
        var beforeVoid = (await store.ReadStreamAsync(caseId)).Max(e => e.RecordedAt) + Duration.FromMilliseconds(1);
        await Task.Delay(5);
        await Send(new VoidStep(D(5, 6), closing.ToVersion, "结案登记错误：罚没款尚在核对", head));
        await runner.CatchUpAsync();
        (await reader.QueryAsync(Query())).Total.Figures.Cases.ShouldBe(0);
        (await reader.QueryAsync(Query(asOf: beforeVoid))).Total.Figures.Cases.ShouldBe(1);
        (await reader.QueryAsync(Query() with { Caliber = Caliber.Decided })).Total.Figures.Fines.ShouldBe(Money.FromYuan(306_000));
    }

    [Theory]
    [InlineData("999999", "2020-01-01", "2020-12-31", null, null, null, null, "region")]
    [InlineData("19000", "2020-01-01", "2020-12-31", null, null, null, null, "region")]
    [InlineData("150000", "2020-13-01", "2020-12-31", null, null, null, null, "from")]
    [InlineData("150000", "2020-01-01", null, null, null, null, null, "to")]
    [InlineData("150000", "2021-01-01", "2020-12-31", null, null, null, null, "to")]
    [InlineData("150000", "2020-01-01", "2020-12-31", "trademarks", null, null, null, "kind")]
    [InlineData("150000", "2020-01-01", "2020-12-31", null, "week", null, null, "by")]
    [InlineData("150000", "2020-01-01", "2020-12-31", null, null, "paid", null, "caliber")]
    [InlineData("150000", "2020-01-01", "2020-12-31", null, null, null, "2021-02-01 00:00", "as_of")]
    [InlineData("150000", "2020-01-01", "2020-12-31", null, null, null, "2030-01-01T00:00+08:00", "as_of")]
    public void BadQueriesAreRefusedNamingTheParameter(string region, string from, string? to, string? kind, string? by, string? caliber, string? asOf, string field)
    {
        var error = Should.Throw<DomainRuleViolation>(() =>
            TotalsQuery.Parse(region, from, to, kind, null, null, by, caliber, asOf, null, Now.GetCurrentInstant()));
        error.Field.ShouldBe(field);
        error.Rule.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void ComparisonPeriodsFollowTheCalendar()
    {
        TotalsQuery Q(string from, string to, string compare) => TotalsQuery.Parse("150000", from, to, null, null, null, null, null, null, compare, Now.GetCurrentInstant());
        Q("2020-01-01", "2020-12-31", "previous-year").ComparedPeriod.ShouldBe(new DateInterval(new LocalDate(2019, 1, 1), new LocalDate(2019, 12, 31)));
        Q("2020-01-01", "2020-12-31", "previous-period").ComparedPeriod.ShouldBe(new DateInterval(new LocalDate(2019, 1, 1), new LocalDate(2019, 12, 31)));
        Q("2020-03-01", "2020-03-31", "previous-period").ComparedPeriod.ShouldBe(new DateInterval(new LocalDate(2020, 2, 1), new LocalDate(2020, 2, 29)));
        Q("2020-03-10", "2020-03-19", "previous-period").ComparedPeriod.ShouldBe(new DateInterval(new LocalDate(2020, 2, 29), new LocalDate(2020, 3, 9)));
        Q("2020-02-29", "2020-02-29", "previous-year").ComparedPeriod.ShouldBe(new DateInterval(new LocalDate(2019, 2, 28), new LocalDate(2019, 2, 28)));
    }

    [Fact]
    public async Task BulkLoadedCasesAreChainedAtTheirOwnInstantsAndRecognisedByCommandHandling()
    {
        var ledger = SimulatedLedger.Generate(seed: 3, count: 25);
        await ledger.LoadAsync(store, chunks: 2);
        foreach (var simulated in ledger.Cases)
        {
            var events = await store.ReadStreamAsync(simulated.CaseId);
            EventHashChain.Verify(await store.GetStreamAsync(simulated.CaseId), events).ShouldBeEmpty();
            events.Select(e => e.RecordedAt).ShouldBe(simulated.Steps.SelectMany(s => s.Events.Select(_ => s.RecordedAt)));
            (await store.GetStreamAsync(simulated.CaseId))!.StreamType.ShouldBe(CaseHistory.StreamType);
            // The case view is Marten's inline projection: written by the import too, folded from the stored events
            // where a case continues from the first transaction into the second.
            var final = simulated.Steps.SelectMany(s => s.Events).Aggregate(CaseState.Initial, CaseModel.Evolve);
            await using var view = db.Owner.CreateCommand("select version, status, fines, updated_at from ledger.case_view where case_id = $1");
            view.Parameters.Add(new NpgsqlParameter<string> { TypedValue = simulated.CaseId });
            await using var row = await view.ExecuteReaderAsync();
            row.Read().ShouldBeTrue($"case {simulated.CaseId} has no case view");
            row.GetInt64(0).ShouldBe(final.Version);
            row.GetString(1).ShouldBe(SnakeCase.Of(final.Status));
            row.GetDecimal(2).ShouldBe(final.Decision is { Revoked: false } d ? d.Items.Fines().Yuan : 0m);
            row.GetFieldValue<Instant>(3).ShouldBe(events[^1].RecordedAt);
        }
        // The same command under the loader's idempotency key is found, not decided again.
        var first = ledger.Cases[0];
        var handler = new CaseCommandHandler(store, new FakeClock(first.Steps[^1].RecordedAt + Duration.FromDays(1)));
        var retried = await handler.HandleAsync(new CommandEnvelope(first.CaseId, BulkLoader.Actor, $"sim/{first.CaseId}/0"), first.Steps[0].Command);
        retried.AlreadyApplied.ShouldBeTrue();
        retried.FromVersion.ShouldBe(1);
        (await store.ReadStreamAsync(first.CaseId)).Count.ShouldBe(first.Steps.Sum(s => s.Events.Count));
    }
}
