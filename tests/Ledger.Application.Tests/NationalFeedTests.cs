using Ledger.Application.Cases;
using Ledger.Application.Nation;
using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.Integrity;
using Ledger.Integrity.Signing;
using Ledger.Simulation.Reference;
using Ledger.Testing;
using NodaTime;
using Npgsql;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Application.Tests;

/// <summary>
/// Provinces feed the nation (issue 27, item 4): two provinces, each its own server, database, verifiable log and signing
/// key (Inner Mongolia ECDSA P-256, Shanxi SM2), publish by logical replication to a third server, the national one.
/// From the national side every published figure of both provinces' seeds is reproduced, national totals add up across
/// the provinces, each province's log and checkpoints verify with that province's public key (and not with the other's),
/// later writes arrive, and a province that rewrites an event it published cannot make the nation's copy follow.
/// </summary>
public sealed class NationalFeedTests(NationalFeedTests.Federation federation) : IClassFixture<NationalFeedTests.Federation>
{
    /// <summary>A province's own ledger: server, database, store, signing key and its part of the reference dataset.</summary>
    public sealed record ProvinceLedger(RegionCode Code, EmbeddedPostgres Server, TestDatabase Db, LedgerEventStore Store, CheckpointSigner Signer,
        string KeyFolder, ReferenceDataset Dataset, string Connection)
    {
        public string Origin => $"ledger.test/{Code.Value}";
    }

    /// <summary>The three servers, loaded, signed and subscribed once for the class.</summary>
    public sealed class Federation : IAsyncLifetime
    {
        public ProvinceLedger InnerMongolia { get; private set; } = null!;
        public ProvinceLedger Shanxi { get; private set; } = null!;
        public EmbeddedPostgres NationalServer { get; } = PrivateCluster.New();
        public string NationalAdmin { get; private set; } = null!;
        public ReferenceDataset Dataset { get; } = ReferenceDataset.Generate();

        public async Task InitializeAsync()
        {
            var national = NationalServer.StartAsync();
            var provinces = await Task.WhenAll(
                StartProvinceAsync(RegionCode.Parse("150000"), SignatureSuite.EcdsaP256),
                StartProvinceAsync(RegionCode.Parse("140000"), SignatureSuite.Sm2));
            (InnerMongolia, Shanxi) = (provinces[0], provinces[1]);
            NationalAdmin = await national;
            foreach (var province in provinces)
                await NationalFeed.SubscribeAsync(NationalAdmin, province.Code, province.Connection, TestServer.MigrationsDirectory);
            foreach (var province in provinces)
                await NationalFeed.WaitUntilCaughtUpAsync(NationalAdmin, province.Code, province.Connection, TimeSpan.FromSeconds(60));
        }

        private async Task<ProvinceLedger> StartProvinceAsync(RegionCode code, SignatureSuite suite)
        {
            var server = PrivateCluster.New();
            var admin = await server.StartAsync();
            var db = await TestDatabase.CreateAsync(admin: admin);
            var store = LedgerEvents.Store(db.App);
            var part = Dataset.Of(code);
            var loader = new ReferenceLoader(store, SystemClock.Instance);
            await loader.LoadAsync(part);
            await loader.LoadTypicalListsAsync(part);
            await new ProjectionRunner(store, new PenaltyTotalsProjection(store)).CatchUpAsync();
            var keys = Path.Combine(Path.GetTempPath(), $"ledger-keys-{Guid.NewGuid():N}");
            var signer = CheckpointKeyFiles.Create(Path.Combine(keys, "checkpoint.pem"), suite);
            var province = new ProvinceLedger(code, server, db, store, signer, keys, part, new NpgsqlConnectionStringBuilder(admin) { Database = db.Name }.ConnectionString);
            (await new MerkleLog(db.App).CheckpointAsync(signer, province.Origin)).ShouldNotBeNull();
            return province;
        }

        public async Task DisposeAsync()
        {
            foreach (var province in new[] { InnerMongolia, Shanxi }.Where(p => p is not null))
            {
                await province.Store.DisposeAsync();
                if (Directory.Exists(province.KeyFolder)) Directory.Delete(province.KeyFolder, recursive: true);
            }
            await PrivateCluster.RemoveAsync(NationalServer);
            foreach (var province in new[] { InnerMongolia, Shanxi }.Where(p => p is not null)) await PrivateCluster.RemoveAsync(province.Server);
        }

        public async Task<NationalTotals> NationalTotalsAsync()
        {
            var copies = await NationalFeed.ProvincesAsync(NationalAdmin);
            return new NationalTotals([.. copies.Select(c => (c.Province, LedgerDatabase.CreateDataSource(c.Connection)))], SystemClock.Instance);
        }

        public NpgsqlDataSource CopyOf(ProvinceLedger province) =>
            LedgerDatabase.CreateDataSource(new NpgsqlConnectionStringBuilder(NationalAdmin) { Database = NationalFeed.DatabaseOf(province.Code) }.ConnectionString);
    }

    private static readonly Instant Now = SystemClock.Instance.GetCurrentInstant();

    [Fact]
    public async Task EveryPublishedFigureOfBothProvincesIsReproducedFromTheNationalSide()
    {
        var nation = await federation.NationalTotalsAsync();
        var figures = federation.Dataset.Figures;
        figures.Select(f => RegionCode.Parse(f.Region).Province.Value).Distinct().Order().ShouldBe(["140000", "150000"]);
        foreach (var figure in figures)
        {
            var report = await nation.QueryAsync(figure.Query(asPublished: true, Now));
            report.Provinces.ShouldHaveSingleItem().Province.ShouldBe(RegionCode.Parse(figure.Region).Province, "a region's question asks its own province only");
            foreach (var (what, published, reproduced, matches) in figure.Compare(report.Totals.Total.Figures))
                matches.ShouldBeTrue($"{figure.Label}: {what} published {published}, reproduced from the national side {reproduced}");
        }
        // The two figures a reader checks first, spelled out: 287 cases, 790.57万元, 433.66万元; Taiyuan's 569 cases.
        var trademark2020 = await nation.QueryAsync(figures.Single(f => f.Label == "2020 trademark infringement").Query(asPublished: true, Now));
        trademark2020.Totals.Total.Figures.Cases.ShouldBe(287);
        trademark2020.Totals.Total.Figures.CaseValue.ShouldBe(Money.FromYuan(7_905_700));
        trademark2020.Totals.Total.Figures.FinesAndConfiscations.ShouldBe(Money.FromYuan(4_336_600));
        (await nation.QueryAsync(figures.Single(f => f.Seed == "000").Query(asPublished: true, Now))).Totals.Total.Figures.Cases.ShouldBe(569);
    }

    [Fact]
    public async Task NationalTotalsAreTheProvincesTotalsAddedLineByLine()
    {
        var nation = await federation.NationalTotalsAsync();
        var query = TotalsQuery.Parse(null, "2016-01-01", "2025-12-31", null, null, null, "region", "closed", null, "previous-year", Now);
        var national = await nation.QueryAsync(query);

        var byProvince = new Dictionary<string, TotalsReport>();
        foreach (var province in new[] { federation.InnerMongolia, federation.Shanxi })
            byProvince[province.Code.Value] = await new TotalsReader(province.Db.App, SystemClock.Instance).QueryAsync(query);
        national.Totals.Lines.Select(l => l.Key).ShouldBe(["140000", "150000"], "by region, the nation's lines are its provinces");
        foreach (var line in national.Totals.Lines)
        {
            line.Figures.ShouldBe(byProvince[line.Key].Total.Figures);
            line.Compared.ShouldBe(byProvince[line.Key].Total.Compared);
        }
        national.Totals.Total.Figures.ShouldBe(byProvince["140000"].Total.Figures.Plus(byProvince["150000"].Total.Figures));
        national.Totals.Total.Figures.Cases.ShouldBeGreaterThan(byProvince["150000"].Total.Figures.Cases);
        national.Provinces.Select(p => p.Province.Value).ShouldBe(["140000", "150000"]);
        national.Provinces.ShouldAllBe(p => p.Projection.EventsBehind == 0);

        // By month, the buckets line up across provinces; by campaign, each province's total is counted apart and added.
        var monthly = await nation.QueryAsync(query with { By = TotalsGrouping.Month, Compare = TotalsComparison.None });
        monthly.Totals.Lines.Count.ShouldBe(120);
        monthly.Totals.Lines.Aggregate(TotalsFigures.Zero, (sum, l) => sum.Plus(l.Figures)).ShouldBe(national.Totals.Total.Figures);
        (await nation.QueryAsync(query with { By = TotalsGrouping.Campaign, Compare = TotalsComparison.None })).Totals.Total.Figures
            .ShouldBe(national.Totals.Total.Figures);

        var elsewhere = await Should.ThrowAsync<DomainRuleViolation>(() => nation.QueryAsync(query with { Region = RegionCode.Parse("310000") }));
        elsewhere.Field.ShouldBe("region");
        elsewhere.Rule.ShouldContain("140000, 150000");
    }

    [Fact]
    public async Task EachProvincesLogAndCheckpointsVerifyOnTheNationalSideWithThatProvincesKeyOnly()
    {
        foreach (var (province, other) in new[] { (federation.InnerMongolia, federation.Shanxi), (federation.Shanxi, federation.InnerMongolia) })
        {
            await using var copy = federation.CopyOf(province);
            var report = await new LedgerVerifier(copy, [province.Signer.PublicKey]).VerifyAsync();
            report.Ok.ShouldBeTrue(string.Join("; ", report.Discrepancies));
            report.Events.ShouldBe(await province.Db.CountEventsAsync());
            report.Checkpoints.ShouldBeGreaterThanOrEqualTo(1);
            report.PendingEvents.ShouldBe(0);

            var wrongKey = await new LedgerVerifier(copy, [other.Signer.PublicKey]).VerifyAsync();
            wrongKey.Ok.ShouldBeFalse("a checkpoint signed by one province does not pass for the other's");
        }
    }

    [Fact]
    public async Task WritesAfterSubscribingArriveAndARewrittenEventIsRefusedByTheNationalCopy()
    {
        var province = federation.InnerMongolia;
        // A new lead filed in the province, its totals and its log brought up to date, a new checkpoint signed.
        var handler = new CaseCommandHandler(province.Store, SystemClock.Instance);
        const string caseId = "150102-2026-9001";
        var key = 0;
        Task<CommandOutcome> Send(CaseCommand command) =>
            handler.HandleAsync(new CommandEnvelope(caseId, "呼和浩特市新城区市场监督管理局", $"national-feed-{key++}"), command);
        await Send(new RegisterLead(new LocalDate(2026, 11, 2), LeadSource.Inspection, "检查发现销售假冒商品", RegionCode.Parse("150102"),
            CaseKind.TrademarkInfringement, new Party(PartyKind.Organisation, "某商贸有限公司"),
            new ProtectedRight(RightKind.Trademark, "某商标", null, "某公司"), new LocalDate(2026, 10, 28), [], []));
        await Send(new FileCase(new LocalDate(2026, 11, 3), "15010200001", ["商标法第五十七条第三项"]));
        await new ProjectionRunner(province.Store, new PenaltyTotalsProjection(province.Store)).CatchUpAsync();
        var checkpoint = await new MerkleLog(province.Db.App).CheckpointAsync(province.Signer, province.Origin);
        await NationalFeed.WaitUntilCaughtUpAsync(federation.NationalAdmin, province.Code, province.Connection, TimeSpan.FromSeconds(60));

        var nation = await federation.NationalTotalsAsync();
        var filed = TotalsQuery.Parse("150102", "2026-11-01", "2026-11-30", null, null, null, null, "filed", null, null, Now);
        (await nation.QueryAsync(filed)).Totals.Total.Figures.Cases.ShouldBe(1);
        await using var copy = federation.CopyOf(province);
        var verified = await new LedgerVerifier(copy, [province.Signer.PublicKey]).VerifyAsync();
        verified.Ok.ShouldBeTrue(string.Join("; ", verified.Discrepancies));
        verified.Leaves.ShouldBe(checkpoint!.TreeSize);

        // The province's superuser rewrites the lead it published, its own triggers off: the change is sent, the national
        // copy refuses it, and the feed stops on the error with the published event as it was.
        var original = await ScalarAsync<string>(copy, $"select data::text from ledger.mt_events where stream_id = '{caseId}' and version = 1");
        await using (var intruder = new NpgsqlConnection(province.Connection))
        {
            await intruder.OpenAsync();
            await using var rewrite = new NpgsqlCommand(
                "set session_replication_role = replica; " +
                $"update ledger.mt_events set data = jsonb_set(data, '{{summary}}', '\"无\"') where stream_id = '{caseId}' and version = 1", intruder);
            await rewrite.ExecuteNonQueryAsync();
        }
        var stopped = await WaitForAsync(async () => (await NationalFeed.StatusAsync(federation.NationalAdmin)).Single(s => s.Province == province.Code) is { Stopped: true } s ? s : null);
        stopped.Enabled.ShouldBeFalse();
        stopped.ApplyErrors.ShouldBeGreaterThanOrEqualTo(1);
        (await ScalarAsync<string>(copy, $"select data::text from ledger.mt_events where stream_id = '{caseId}' and version = 1")).ShouldBe(original);
        var afterRewrite = await new LedgerVerifier(copy, [province.Signer.PublicKey]).VerifyAsync();
        afterRewrite.Ok.ShouldBeTrue("the nation's copy holds what the province published: " + string.Join("; ", afterRewrite.Discrepancies));
        var provinceItself = await new LedgerVerifier(province.Db.App, [province.Signer.PublicKey]).VerifyAsync();
        provinceItself.Discrepancies.ShouldContain(d => d.StreamId == caseId && d.Version == 1);
        // The other province's feed runs on.
        (await NationalFeed.StatusAsync(federation.NationalAdmin)).Single(s => s.Province == federation.Shanxi.Code).Enabled.ShouldBeTrue();
    }

    [Fact]
    public async Task BadSubscriptionsAreRefusedNamingTheFieldAndNothingIsCreated()
    {
        var city = Should.Throw<DomainRuleViolation>(() => NationalFeed.Province("150100"));
        city.Field.ShouldBe("province");
        city.Rule.ShouldContain("150000");

        // Shanxi's ledger offered as Hebei's: its cases are outside that province.
        var wrong = await Should.ThrowAsync<DomainRuleViolation>(() => NationalFeed.SubscribeAsync(
            federation.NationalAdmin, RegionCode.Parse("130000"), federation.Shanxi.Connection, TestServer.MigrationsDirectory));
        wrong.Field.ShouldBe("province");
        wrong.Rule.ShouldContain("outside 130000");
        var unreachable = await Should.ThrowAsync<DomainRuleViolation>(() => NationalFeed.SubscribeAsync(
            federation.NationalAdmin, RegionCode.Parse("130000"), "Host=127.0.0.1;Port=1;Username=ledger;Database=ledger;Timeout=2", TestServer.MigrationsDirectory));
        unreachable.Field.ShouldBe("from");
        var malformed = await Should.ThrowAsync<DomainRuleViolation>(() => NationalFeed.SubscribeAsync(
            federation.NationalAdmin, RegionCode.Parse("130000"), "not a connection string", TestServer.MigrationsDirectory));
        malformed.Field.ShouldBe("from");
        (await NationalFeed.ProvincesAsync(federation.NationalAdmin)).Select(p => p.Province.Value).ShouldBe(["140000", "150000"]);
        await using var admin = new NpgsqlConnection(federation.NationalAdmin);
        await admin.OpenAsync();
        await using var databases = new NpgsqlCommand("select count(*) from pg_database where datname = 'ledger_province_130000'", admin);
        ((long)(await databases.ExecuteScalarAsync())!).ShouldBe(0);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await probe() is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException("the national feed did not stop on the refused change within 60 s");
    }
}
