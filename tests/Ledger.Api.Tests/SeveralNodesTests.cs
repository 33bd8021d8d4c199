using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Ledger.Application.Access;
using Ledger.Application.Messaging;
using Ledger.Domain;
using Ledger.EventStore.Hosting;
using Ledger.Integrity;
using Ledger.Integrity.Signing;
using Ledger.Testing;
using NodaTime;

namespace Ledger.Api.Tests;

/// <summary>
/// Two `ledger serve` processes on one database, as two machines would run them: the background work (totals, the
/// verifiable log, checkpoints) runs on exactly one of them, as a Wolverine agent its elected leader assigns; killed with
/// SIGKILL, that node's work moves to the other within the stated time, and no event is applied twice or skipped.
/// </summary>
public sealed class SeveralNodesTests : IAsyncLifetime
{
    /// <summary>The takeover bound the docs state: the stale-node timeout, two health checks to notice and re-assign, and
    /// the leader's hold on a cluster that changed.</summary>
    private static readonly TimeSpan TakeoverBound = LedgerMessaging.StaleNodeTimeout + TimeSpan.FromSeconds(20);

    private readonly string home = Path.Combine(LedgerDatabase.Home(), "nodes-" + Guid.NewGuid().ToString("N")[..12]);
    private TestDatabase db = null!;
    private string token = null!;
    private readonly List<Node> nodes = [];

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync();
        Directory.CreateDirectory(home);
        CheckpointKeyFiles.Create(Path.Combine(home, "checkpoint.pem"), SignatureSuite.EcdsaP256);
        token = (await new ApiUsers(db.Owner, SystemClock.Instance).AddAsync("recorder-jishan", Role.Recorder, RegionCode.Parse("140824"), "14082401017", "test")).Token;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in nodes) node.Kill();
        await db.DisposeAsync();
        Directory.Delete(home, recursive: true);
    }

    [Fact]
    public async Task TheBackgroundWorkRunsOnOneNodeAndMovesToTheOtherWhenThatNodeIsKilledApplyingNoEventTwice()
    {
        nodes.Add(await Node.StartAsync(db, home, token));
        nodes.Add(await Node.StartAsync(db, home, token));
        var running = await OneNodeRunsTheBackgroundWorkAsync(TimeSpan.FromSeconds(60));
        for (var n = 1; n <= 20; n++) await nodes[n % 2].RegisterAsync($"140824-2025-{n:D4}");
        await CaughtUpAsync(running, 20);

        var survivor = nodes.Single(n => n != running);
        running.Kill();
        var killed = Stopwatch.StartNew();
        for (var n = 21; n <= 40; n++) await survivor.RegisterAsync($"140824-2025-{n:D4}");
        while (!await survivor.RunsTheBackgroundWorkAsync())
        {
            killed.Elapsed.ShouldBeLessThan(TakeoverBound, "the survivor took the background work over");
            await Task.Delay(250);
        }
        Console.WriteLine($"the background work moved to the surviving node {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        await CaughtUpAsync(survivor, 40);
        (await AgentAssignmentsAsync()).ShouldBe(1, "Wolverine has the agent assigned to one node");

        // Every event once in the totals projection and in the log; the verifier finds the log, its checkpoints and the
        // chains sound.
        (await db.ScalarAsync<long>("select events_applied from ledger.projections where name = 'penalty_totals'")).ShouldBe(40);
        (await db.ScalarAsync<long>("select tree_size from ledger.merkle_log")).ShouldBe(40);
        var trusted = CheckpointKeyFiles.LoadPublicKey(CheckpointKeyFiles.PublicPathFor(Path.Combine(home, "checkpoint.pem")));
        var report = await new LedgerVerifier(db.Owner, [trusted]).VerifyAsync();
        report.Discrepancies.ShouldBeEmpty();
        report.Checkpoints.ShouldBeGreaterThan(0);
    }

    /// <summary>Waits until exactly one node says it runs the background work; meanwhile never two.</summary>
    private async Task<Node> OneNodeRunsTheBackgroundWorkAsync(TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var here = new List<Node>();
            foreach (var node in nodes)
                if (await node.RunsTheBackgroundWorkAsync()) here.Add(node);
            here.Count.ShouldBeLessThanOrEqualTo(1, "the background work runs on one node at a time");
            if (here.Count == 1) return here[0];
            clock.Elapsed.ShouldBeLessThan(within, "a node was given the background work");
            await Task.Delay(250);
        }
    }

    private async Task CaughtUpAsync(Node node, long events)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ready = await node.ReadyAsync();
            if (ready["log_size"]?.GetValue<long>() == events && ready["latest_checkpoint_size"]?.GetValue<long>() == events
                && await db.ScalarAsync<long>("select events_applied from ledger.projections where name = 'penalty_totals'") == events) return;
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"the log, a checkpoint and the totals reached {events} events: {ready.ToJsonString()}");
            await Task.Delay(250);
        }
    }

    private Task<long> AgentAssignmentsAsync() =>
        db.ScalarAsync<long>($"select count(*) from wolverine.wolverine_node_assignments where id like '{LedgerBackgroundAgent.SchemeName}:%'");

    /// <summary>A `ledger serve` process of its own.</summary>
    private sealed class Node
    {
        private readonly Process process;
        private readonly HttpClient client;

        private Node(Process process, Uri address, string token)
        {
            this.process = process;
            client = new HttpClient { BaseAddress = address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        public static async Task<Node> StartAsync(TestDatabase db, string home, string token)
        {
            // The CLI this test assembly was built beside (the solution builds it: ops/test).
            var output = new DirectoryInfo(AppContext.BaseDirectory); // tests/Ledger.Api.Tests/bin/<configuration>/net10.0/
            var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            var cli = Path.Combine(root, "src", "Ledger.Cli", "bin", output.Parent.Name, output.Name, "ledger.dll");
            File.Exists(cli).ShouldBeTrue($"{cli} is built");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { cli, "serve", "--connection", db.App.ConnectionString, "--port", "0", "--key", Path.Combine(home, "checkpoint.pem"), "--checkpoint-every", "1" })
                start.ArgumentList.Add(argument);
            start.Environment["LEDGER_HOME"] = home;
            var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            var line = "";
            using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!line.StartsWith("serving the ledger API on ", StringComparison.Ordinal))
                line = await process.StandardOutput.ReadLineAsync(giveUp.Token) ?? throw new InvalidOperationException("ledger serve ended before it served");
            _ = process.StandardOutput.ReadToEndAsync(); // keep draining
            return new Node(process, new Uri(line["serving the ledger API on ".Length..].Split(' ')[0]), token);
        }

        public async Task<JsonObject> ReadyAsync() => JsonNode.Parse(await client.GetStringAsync("/ready"))!.AsObject();

        public async Task<bool> RunsTheBackgroundWorkAsync() => (await ReadyAsync())["background_here"]!.GetValue<bool>();

        public async Task RegisterAsync(string caseId)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/cases") { Content = ApiHost.Json(ApiHost.Lead(caseId, "140824")) };
            request.Headers.Add("Idempotency-Key", caseId);
            using var response = await client.SendAsync(request);
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        /// <summary>SIGKILL, as a machine that dies: no shutdown, no hand-over.</summary>
        public void Kill()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}
