using System.Net;
using Ledger.EventStore.Hosting;
using Ledger.Testing;
using Npgsql;

namespace Ledger.Api.Tests;

/// <summary>
/// Reads answered by a hot standby (streaming replication from the test's own primary cluster): a caller reads its own
/// writes at once, whoever else reads sees what the standby has replayed, a standby that lags leaves the writer's reads
/// to the primary, and one that is down leaves every read to the primary without a failed request.
/// </summary>
public sealed class ReadReplicaTests : IAsyncLifetime
{
    private const int ReadWaitMilliseconds = 200;
    private readonly EmbeddedPostgres primary = PrivateCluster.New();
    private EmbeddedPostgres standby = null!;
    private ApiHost host = null!;

    public async Task InitializeAsync()
    {
        var admin = await primary.StartAsync();
        standby = await primary.CreateStandbyAsync(PrivateCluster.New().DataDirectory);
        host = new ApiHost
        {
            AdminConnection = admin,
            Settings = [("Ledger:ReadWaitMilliseconds", ReadWaitMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            DatabaseSettings = db => [("Ledger:ReadConnection", standby.ConnectionString(standby.RunningPort()!.Value, db.Name, LedgerDatabase.ApplicationRole))],
        };
        await host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await PrivateCluster.RemoveAsync(standby);
        await PrivateCluster.RemoveAsync(primary);
    }

    [Fact]
    public async Task EveryWriteIsReadBackAtOnceByItsWriterAndTheStandbyAnswersTheReads()
    {
        var servedBy = new List<string>();
        for (var n = 1; n <= 30; n++)
        {
            var caseId = $"140824-2025-{n:D4}";
            var written = await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead(caseId, "140824"));
            written.StatusCode.ShouldBe(HttpStatusCode.Created);
            written.Headers.GetValues(ReadRouting.WrittenLsnHeader).Single().ShouldMatch("^[0-9A-F]+/[0-9A-F]+$");

            var read = await host.Client("recorder-jishan").GetAsync($"/cases/{caseId}");
            read.StatusCode.ShouldBe(HttpStatusCode.OK, $"the writer reads case {caseId} right after writing it");
            (await ApiHost.BodyAsync(read))["version"]!.GetValue<long>().ShouldBe(1);
            servedBy.Add(read.Headers.GetValues(ReadRouting.ServedByHeader).Single());

            // Another writer, another endpoint: the approver files the case and reads its history.
            var filed = await host.PostAsync("approver-jishan", $"/cases/{caseId}/filing", new { on = "2025-03-05", legal_bases = new[] { "商标法第五十七条第三项" } });
            filed.StatusCode.ShouldBe(HttpStatusCode.OK, await filed.Content.ReadAsStringAsync());
            var history = await host.Client("approver-jishan").GetAsync($"/cases/{caseId}/history");
            history.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ApiHost.BodyAsync(history))["version"]!.GetValue<long>().ShouldBe(2, "the history shows the approver's filing at once");
            servedBy.Add(history.Headers.GetValues(ReadRouting.ServedByHeader).Single());
        }
        Console.WriteLine($"60 reads after writes: {servedBy.Count(s => s == "replica")} answered by the standby, {servedBy.Count(s => s == "primary")} by the primary");
        servedBy.ShouldContain("replica", "a standby replaying on loopback catches up within the wait");
        servedBy.ShouldAllBe(side => side == "replica" || side == "primary");
    }

    [Fact]
    public async Task WhileTheStandbyLagsTheWriterReadsFromThePrimaryAndOthersSeeWhatTheStandbyHasReplayed()
    {
        await host.RegisterAsync("140824-2025-0101", "140824", "recorder-jishan");
        await PauseReplayAsync(true);
        try
        {
            var written = await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead("140824-2025-0102", "140824"));
            written.StatusCode.ShouldBe(HttpStatusCode.Created);
            var position = written.Headers.GetValues(ReadRouting.WrittenLsnHeader).Single();

            // The writer: the standby has not replayed the write within the wait, so the primary answers.
            var own = await host.Client("recorder-jishan").GetAsync("/cases/140824-2025-0102");
            own.StatusCode.ShouldBe(HttpStatusCode.OK);
            own.Headers.GetValues(ReadRouting.ServedByHeader).Single().ShouldBe("primary");

            // Another recorder of the region, who wrote nothing: the standby answers, as of what it has replayed.
            var other = await host.Client("recorder-jishan-2").GetAsync("/cases/140824-2025-0102");
            other.Headers.GetValues(ReadRouting.ServedByHeader).Single().ShouldBe("replica");
            other.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the paused standby has not replayed the second case");
            var earlier = await host.Client("recorder-jishan-2").GetAsync("/cases/140824-2025-0101");
            earlier.StatusCode.ShouldBe(HttpStatusCode.OK);

            // The same reader, given the write's position (a client that talks to several nodes carries it along).
            using var request = new HttpRequestMessage(HttpMethod.Get, "/cases/140824-2025-0102");
            request.Headers.Add(ReadRouting.MinimumLsnHeader, position);
            var carried = await host.Client("recorder-jishan-2").SendAsync(request);
            carried.StatusCode.ShouldBe(HttpStatusCode.OK);
            carried.Headers.GetValues(ReadRouting.ServedByHeader).Single().ShouldBe("primary");
        }
        finally
        {
            await PauseReplayAsync(false);
        }

        // Replaying again: the standby answers the writer, and the other reader sees the case.
        await EventuallyAsync(async () =>
        {
            var read = await host.Client("recorder-jishan-2").GetAsync("/cases/140824-2025-0102");
            return read.StatusCode == HttpStatusCode.OK && read.Headers.GetValues(ReadRouting.ServedByHeader).Single() == "replica";
        });
        var writer = await host.Client("recorder-jishan").GetAsync("/cases/140824-2025-0102");
        writer.Headers.GetValues(ReadRouting.ServedByHeader).Single().ShouldBe("replica");
    }

    [Fact]
    public async Task AStandbyThatCannotBeReachedLeavesEveryReadToThePrimaryAndServesAgainOnceBack()
    {
        await host.RegisterAsync("140824-2025-0201", "140824", "recorder-jishan");
        await EventuallyAsync(async () => (await host.Client("auditor-jishan").GetAsync("/cases/140824-2025-0201")).Headers
            .GetValues(ReadRouting.ServedByHeader).Single() == "replica");
        await standby.StopAsync(immediate: true);
        try
        {
            foreach (var reader in new[] { "auditor-jishan", "official-jishan", "recorder-jishan-2", "auditor-jishan" })
            {
                var read = await host.Client(reader).GetAsync("/cases/140824-2025-0201");
                read.StatusCode.ShouldBe(HttpStatusCode.OK, $"{reader}: {await read.Content.ReadAsStringAsync()}");
                read.Headers.GetValues(ReadRouting.ServedByHeader).Single().ShouldBe("primary");
            }
            var totals = await host.Client("official-jishan").GetAsync("/totals?from=2025-01-01&to=2025-12-31");
            totals.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await standby.StartAsync();
        }
        // Probed again after a rest of a few seconds, and used once it answers.
        await EventuallyAsync(async () => (await host.Client("auditor-jishan").GetAsync("/cases/140824-2025-0201")).Headers
            .GetValues(ReadRouting.ServedByHeader).Single() == "replica", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AWalPositionThatIsNoneIsRefusedNamingTheHeaderAndNothingIsReadOrRecorded()
    {
        await host.RegisterAsync("140824-2025-0301", "140824", "recorder-jishan");
        var reads = await host.CountAsync("ledger.case_reads");
        foreach (var bad in new[] { "yesterday", "0/", "16B3748", "-1/0", "0/16B3748, 0/16B3749" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/cases/140824-2025-0301");
            request.Headers.TryAddWithoutValidation(ReadRouting.MinimumLsnHeader, bad);
            var refused = await host.Client("auditor-jishan").SendAsync(request);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);
            (await ApiHost.ProblemAsync(refused)).Field.ShouldBe(ReadRouting.MinimumLsnHeader);
        }
        (await host.CountAsync("ledger.case_reads")).ShouldBe(reads);
    }

    private async Task PauseReplayAsync(bool pause)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(standby.ConnectionString(standby.RunningPort()!.Value)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(pause ? "select pg_wal_replay_pause()" : "select pg_wal_replay_resume()", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the condition did not come true in time");
            await Task.Delay(100);
        }
    }
}
