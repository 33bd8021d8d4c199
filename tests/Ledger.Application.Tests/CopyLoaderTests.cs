using Ledger.Application.Projections;
using Ledger.Application.Tests.Support;
using Ledger.Application.Totals;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using Ledger.Integrity;
using Ledger.Simulation;
using Ledger.Testing;
using NodaTime;

namespace Ledger.Application.Tests;

/// <summary>
/// The benchmarks' COPY loader writes the rows Marten's import writes: the same events, streams, recording instants and
/// headers (but the import's own instant), chains the database hashed and the verifier accepts, and the same totals.
/// </summary>
public sealed class CopyLoaderTests : IAsyncLifetime
{
    private TestDatabase imported = null!;
    private TestDatabase copied = null!;

    public async Task InitializeAsync()
    {
        imported = await TestDatabase.CreateAsync();
        copied = await TestDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await imported.DisposeAsync();
        await copied.DisposeAsync();
    }

    [Fact]
    public async Task CopiedRowsAreTheRowsMartensImportWritesAndCountTheSame()
    {
        var simulated = SimulatedLedger.Generate(seed: 2718, count: 120);
        await using var importStore = LedgerEvents.Store(imported.App);
        await simulated.LoadAsync(importStore);
        foreach (var chunk in simulated.Chunks(3))
            await CopyLoader.LoadAsync(copied.Owner, LedgerEvents.Types, CaseEventSerializer.Options, chunk);

        // Everything but the instant of the load itself (imported_at, inside the hash) is the same, row for row.
        const string Rows =
            "select string_agg(concat_ws('|', e.stream_id, e.version, e.id, e.type, e.data::text, (e.headers - 'imported_at')::text, " +
            "e.recorded_at, e.headers ? 'imported_at', e.mt_dotnet_type is null), E'\\n' order by e.stream_id, e.version) from ledger.mt_events e";
        (await copied.ScalarAsync<string>(Rows)).ShouldBe(await imported.ScalarAsync<string>(Rows));
        const string Streams = "select string_agg(concat_ws('|', stream_id, stream_type, version, created_at, updated_at), E'\\n' order by stream_id) from ledger.streams";
        (await copied.ScalarAsync<string>(Streams)).ShouldBe(await imported.ScalarAsync<string>(Streams));
        (await copied.CountEventsAsync()).ShouldBe(simulated.EventCount);

        var verified = await new LedgerVerifier(copied.App, []).VerifyAsync();
        verified.Ok.ShouldBeTrue(string.Join("; ", verified.Discrepancies));
        verified.Events.ShouldBe(simulated.EventCount);

        await using var copyStore = LedgerEvents.Store(copied.App);
        await new ProjectionRunner(copyStore, new PenaltyTotalsProjection(copyStore)).CatchUpAsync();
        await new ProjectionRunner(importStore, new PenaltyTotalsProjection(importStore)).CatchUpAsync();
        var query = TotalsQuery.Parse(null, "2019-01-01", "2021-09-30", null, null, null, "region", "closed", null, null, SystemClock.Instance.GetCurrentInstant());
        var fromCopy = await new TotalsReader(copied.App, SystemClock.Instance).QueryAsync(query);
        var fromImport = await new TotalsReader(imported.App, SystemClock.Instance).QueryAsync(query);
        fromCopy.Lines.ShouldBe(fromImport.Lines);
        fromCopy.Total.Figures.ShouldBe(simulated.Expected(query, query.Period, TotalsGrouping.None)[""]);
    }
}
