using System.Collections.Concurrent;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Shouldly;
using Xunit.Abstractions;

namespace Ledger.EventStore.Tests;

/// <summary>
/// Marten's async daemon held against the gap test the commit-order runner passes (EventStoreContract.ReadAll): a
/// transaction holds a low sequence number open while later appends commit. Before Marten 9.16.1 the daemon could skip
/// such a gap once it was older than the stale threshold (by Marten's release notes); the penalty totals projection
/// chose between the daemon and the runner on this behaviour (docs/decisions/0001), so a Marten upgrade that changes it
/// fails here.
/// </summary>
public sealed class MartenAsyncDaemonTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private sealed class SeenProjection : IProjection
    {
        public ConcurrentQueue<long> Sequences { get; } = new();

        public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
        {
            foreach (var e in events) Sequences.Enqueue(e.Sequence);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task MartensDaemonWaitsForALateCommitOnALowSequenceAndAppliesEveryEventOnce()
    {
        await using var store = new LedgerEventStore(_db.App, TestEvents.Types, TestEvents.Json);
        var metadata = new EventMetadata("officer-001", Guid.NewGuid()).ToJson();
        AppendRequest Request() => new($"case-{Guid.NewGuid():N}", "case", ExpectedVersion.NoStream, [new NewEvent(Guid.NewGuid(), new TestEvents.ThingHappened())], metadata);
        await store.AppendAsync(Request());

        await using var slow = await _db.App.OpenConnectionAsync();
        await using var slowTransaction = await slow.BeginTransactionAsync();
        var late = await store.AppendAsync(Request(), slow, slowTransaction);
        var lateAt = late.FirstPosition.ShouldNotBeNull();
        for (var i = 0; i < 5; i++) await store.AppendAsync(Request());

        var seen = new SeenProjection();
        // The setting that made the daemon skip: a gap older than this counted as a rolled-back transaction.
        var staleThreshold = TimeSpan.FromSeconds(1);
        using var marten = Marten.MartenConfiguration.CreateStore(_db.Owner, TestEvents.Types, TestEvents.Json, o =>
        {
            o.Projections.Add(seen, ProjectionLifecycle.Async, "seen");
            o.Projections.StaleSequenceThreshold = staleThreshold;
        });
        using var daemon = await marten.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        try
        {
            // Once the daemon runs (it has applied the event before the gap), three thresholds long the gap stays open:
            // nothing after it is applied.
            var started = System.Diagnostics.Stopwatch.StartNew();
            while (seen.Sequences.IsEmpty && started.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);
            await Task.Delay(3 * staleThreshold);
            output.WriteLine($"late event at {lateAt}; applied while its transaction was open: [{string.Join(", ", seen.Sequences)}]");
            seen.Sequences.ToArray().ShouldBe([lateAt - 1]);

            await slowTransaction.CommitAsync();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (seen.Sequences.Count < 7 && waited.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);
            output.WriteLine($"after its commit: [{string.Join(", ", seen.Sequences)}]");
            seen.Sequences.ToArray().ShouldBe(Enumerable.Range(0, 7).Select(i => lateAt - 1 + i).ToArray());
        }
        finally
        {
            await daemon.StopAllAsync();
        }
    }
}
