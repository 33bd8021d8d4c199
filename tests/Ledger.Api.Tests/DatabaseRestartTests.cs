using System.Collections.Concurrent;
using System.Net;
using Ledger.EventStore.Hosting;
using Ledger.Testing;

namespace Ledger.Api.Tests;

/// <summary>
/// PostgreSQL restarted under load (stopped without a shutdown checkpoint, as a crash would, and started again on its
/// port): every write the API acknowledged is in the ledger afterwards, requests meanwhile are 503, never 500, and the
/// API serves again without being restarted. The server is a private cluster of the test's own.
/// </summary>
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private readonly EmbeddedPostgres cluster = PrivateCluster.New();
    private ApiHost host = null!;

    public async Task InitializeAsync()
    {
        host = new ApiHost { AdminConnection = await cluster.StartAsync() };
        await host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await PrivateCluster.RemoveAsync(cluster);
    }

    [Fact]
    public async Task AServerRestartedUnderLoadLosesNoAcknowledgedWriteAndTheApiServesAgainWithoutARestart()
    {
        const int clients = 8, writesBefore = 40, writesAfter = 40;
        var acknowledged = new ConcurrentBag<string>();
        var otherAnswers = new ConcurrentBag<string>();
        int next = 0, unavailable = 0, restarted = 0, acknowledgedAfter = 0;
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        async Task WriteUntilServedAgain()
        {
            while (!giveUp.IsCancellationRequested && Volatile.Read(ref acknowledgedAfter) < writesAfter)
            {
                var caseId = $"140824-2025-{Interlocked.Increment(ref next):D4}";
                using var response = await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead(caseId, "140824"));
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created:
                        acknowledged.Add(caseId);
                        if (Volatile.Read(ref restarted) == 1) Interlocked.Increment(ref acknowledgedAfter);
                        break;
                    case HttpStatusCode.ServiceUnavailable:
                        response.Headers.RetryAfter.ShouldNotBeNull();
                        Interlocked.Increment(ref unavailable);
                        await Task.Delay(50);
                        break;
                    default:
                        otherAnswers.Add($"{caseId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        break;
                }
            }
        }

        var load = Enumerable.Range(0, clients).Select(_ => Task.Run(WriteUntilServedAgain)).ToArray();
        while (acknowledged.Count < writesBefore && !giveUp.IsCancellationRequested) await Task.Delay(20);
        var acknowledgedBefore = acknowledged.Count;
        var port = cluster.RunningPort();
        await cluster.StopAsync(immediate: true);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await cluster.StartAsync();
        cluster.RunningPort().ShouldBe(port);
        Volatile.Write(ref restarted, 1);
        await Task.WhenAll(load);

        otherAnswers.ShouldBeEmpty();
        acknowledgedBefore.ShouldBeGreaterThanOrEqualTo(writesBefore);
        Console.WriteLine($"restart under load: {acknowledgedBefore} writes acknowledged before, {acknowledgedAfter} after, {unavailable} answered 503");
        acknowledgedAfter.ShouldBeGreaterThanOrEqualTo(writesAfter, $"the API served writes again after the restart ({unavailable} answered 503 meanwhile)");
        var recorded = new Dictionary<string, long>();
        host.Db.Owner.Clear(); // the test's own pooled connections died with the server
        await using (var streams = host.Db.Owner.CreateCommand("select id, version from ledger.mt_streams"))
        await using (var reader = await streams.ExecuteReaderAsync())
            while (await reader.ReadAsync()) recorded[reader.GetString(0)] = reader.GetInt64(1);
        acknowledged.ShouldAllBe(caseId => recorded.ContainsKey(caseId), "every acknowledged lead is in the ledger");
        // Nothing recorded twice: each lead is one event in a stream of its own.
        foreach (var (id, version) in recorded.Where(s => s.Value != 1))
            Console.WriteLine($"ORPHAN {id} version {version} acknowledged={acknowledged.Contains(id)}");
        recorded.Where(s => s.Value > 1).ShouldBeEmpty();
        acknowledged.ShouldAllBe(caseId => recorded[caseId] == 1);
        (await host.Client("official-jishan").GetAsync("/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
