using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Ledger.Api;
using Ledger.Application;
using Ledger.Application.Access;
using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.Cli;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Microsoft.AspNetCore.Builder;
using NodaTime;
using Npgsql;
using Spectre.Console;

namespace Ledger.Benchmarks;

/// <summary>
/// `ops/bench http`: the API served by Kestrel on loopback, driven by a bounded number of concurrent clients for a
/// fixed time per mix, each request timed. The baseline, measured in the same run, is an authenticated GET /health:
/// the floor of HTTP, routing and the token lookup, with no ledger work.
/// </summary>
internal static class HttpBenchmark
{
    private sealed record Mix(string Name, long Requests, long Errors, TimeSpan Elapsed, double P50, double P99)
    {
        public double Rate => Requests / Elapsed.TotalSeconds;
    }

    public static async Task<int> RunAsync(ParseResult parse, int clients, int seconds, bool withStandby, CancellationToken ct)
    {
        if (clients is < 1 or > 256) throw new CliInputException($"--clients: between 1 and 256 (got {clients})");
        if (seconds is < 1 or > 600) throw new CliInputException($"--seconds: between 1 and 600 (got {seconds})");
        var connections = await LedgerCli.ConnectAsync(parse, ct);
        if (withStandby && !connections.Embedded)
            throw new CliInputException("--standby: creates a standby of the private cluster; without --connection / LEDGER_CONNECTION");
        var database = $"ledger_bench_http_{Environment.ProcessId}";
        var owner = await LedgerDatabase.EnsureDatabaseAsync(connections.Owner, database, ct);
        EmbeddedPostgres? standby = null;
        try
        {
            await using (var ownerSource = LedgerDatabase.CreateDataSource(owner))
                await new Migrator(ownerSource, LedgerCli.MigrationsDirectory).ApplyAsync(null, ct);
            var application = connections.Embedded ? LedgerDatabase.WithUser(owner, LedgerDatabase.ApplicationRole) : owner;
            await using var dataSource = LedgerDatabase.CreateDataSource(application);
            await using var issuer = LedgerDatabase.CreateDataSource(owner);
            var accounts = new ApiUsers(issuer, SystemClock.Instance);
            var recorder = (await accounts.AddAsync("bench-recorder", Role.Recorder, RegionCode.Parse("140824"), "14082409999", "bench", ct)).Token;
            var official = (await accounts.AddAsync("bench-official", Role.Official, RegionCode.Parse("140800"), null, "bench", ct)).Token;
            var approver = (await accounts.AddAsync("bench-approver", Role.Approver, RegionCode.Parse("140824"), "14082400001", "bench", ct)).Token;

            await using var app = await StartApiAsync(application, readConnection: null, ct);
            var address = new Uri(app.Urls.First());
            AnsiConsole.MarkupLine($"[bold]bench http[/] {clients} clients, {seconds} s per mix, API on {address} (Kestrel, loopback), database {database}; {BenchmarkHeader.ThreadPoolSpinSetting()}");
            // The second node: another API reading from a hot standby of the cluster (streaming replication, loopback).
            WebApplication? readingStandby = null;
            if (withStandby)
            {
                standby = await LedgerDatabase.EmbeddedCluster(LedgerCli.Info)
                    .CreateStandbyAsync(Path.Combine(LedgerDatabase.Home(), "clusters", $"bench-standby-{Environment.ProcessId}"), ct: ct);
                readingStandby = await StartApiAsync(application,
                    standby.ConnectionString(standby.RunningPort()!.Value, database, LedgerDatabase.ApplicationRole), ct);
            }
            await using var standbyApi = readingStandby;

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
            HttpClient ClientFor(string token, Uri? at = null)
            {
                var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = at ?? address };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return client;
            }
            var duration = TimeSpan.FromSeconds(seconds);
            var cases = new ConcurrentBag<string>();
            var approvers = Enumerable.Range(0, clients).Select(_ => ClientFor(approver)).ToArray();

            var results = new List<Mix>
            {
                await RunMixAsync("baseline: GET /health (authenticated)", clients, duration, i => ClientFor(official),
                    async (client, _, time) => await time(() => client.GetAsync("/health")), ct),
                await RunMixAsync("write: register, file (approver), officers, 2 × evidence, assessment; If-Match on each", clients, duration, i => ClientFor(recorder),
                    (client, iteration, time) => WriteCaseAsync(client, approvers[iteration / IterationsPerClient], iteration, cases, time), ct),
            };
            // The read mix reads the cases the write mix made, with the totals projection brought up to date first.
            var store = LedgerEvents.Store(dataSource);
            await new ProjectionRunner(store, new PenaltyTotalsProjection(store)).CatchUpAsync(null, ct);
            var ids = cases.ToArray();
            Task<Mix> ReadMixAsync(string name, Func<int, Uri> nodeOf) => RunMixAsync(name, clients, duration,
                i => ClientFor(i % 2 == 0 ? recorder : official, nodeOf(i)),
                async (client, iteration, time) =>
                {
                    var asRecorder = iteration / IterationsPerClient % 2 == 0; // as clientFor chose the token
                    var id = ids[Random.Shared.Next(ids.Length)];
                    await time(() => client.GetAsync($"/cases/{id}"));
                    await time(() => client.GetAsync(asRecorder ? $"/cases/{id}/history" : $"/cases/{id}?version=2"));
                    await time(() => client.GetAsync("/cases?limit=20"));
                    await time(() => client.GetAsync(asRecorder ? "/cases?limit=20&status=investigating" : $"/totals?from={Today.Year}-01-01&to={Today.Year}-12-31&by=region"));
                }, ct);
            results.Add(await ReadMixAsync("read: case, history or version, list of 20, totals or filtered list", _ => address));
            if (standbyApi is not null)
            {
                var standbyAddress = new Uri(standbyApi.Urls.First());
                results.Add(await ReadMixAsync("read, as above, every read answered by the standby", _ => standbyAddress));
                // Clients 0,1 | 2,3 | …: each pair (a recorder and an official) on one node, alternately.
                results.Add(await ReadMixAsync("read, as above, two nodes: half the clients read the primary, half the standby",
                    i => i / 2 % 2 == 0 ? address : standbyAddress));
            }

            var baseline = results[0].Rate;
            var table = new Table().AddColumns("mix", "requests", "errors", "requests/s", "p50 ms", "p99 ms", "ratio to baseline");
            foreach (var mix in results)
                table.AddRow(Markup.Escape(mix.Name), $"{mix.Requests:N0}", $"{mix.Errors:N0}", $"{mix.Rate:N0}", $"{mix.P50:0.00}", $"{mix.P99:0.00}", $"{mix.Rate / baseline:0.00}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{ids.Length:N0} cases written; {Environment.ProcessorCount} cores; server and clients share this machine");
            await app.StopAsync(CancellationToken.None);
            if (standbyApi is not null) await standbyApi.StopAsync(CancellationToken.None);
            return results.Any(m => m.Errors > 0) ? ExitCodes.Failure : ExitCodes.Ok;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (standby is not null) await RemoveStandbyAsync(standby, connections.Owner);
            await using var admin = LedgerDatabase.CreateDataSource(connections.Owner);
            await using var drop = admin.CreateCommand($"drop database if exists {database} with (force)");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The API on a free loopback port, reading from <paramref name="readConnection"/> when given, with no background work.</summary>
    private static Task<WebApplication> StartApiAsync(string application, string? readConnection, CancellationToken ct) =>
        LedgerApi.StartOnLoopbackAsync(new Dictionary<string, string?>
        {
            ["Ledger:Connection"] = application,
            ["Ledger:ReadConnection"] = readConnection,
            ["Ledger:BackgroundSeconds"] = "0",
        }, ct: ct);

    /// <summary>Stops the benchmark's standby, deletes its files and drops its replication slot (which would keep WAL).</summary>
    private static async Task RemoveStandbyAsync(EmbeddedPostgres standby, string owner)
    {
        await standby.DeleteAsync();
        await using var admin = LedgerDatabase.CreateDataSource(owner);
        await using var drop = admin.CreateCommand("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1");
        drop.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmbeddedPostgres.StandbyName(standby.DataDirectory) });
        await drop.ExecuteNonQueryAsync(CancellationToken.None);
    }

    // Iteration numbers are client * this + n, so each client's case ids are its own.
    private const int IterationsPerClient = 1_000_000;

    private delegate Task<HttpResponseMessage> Timed(Func<Task<HttpResponseMessage>> send);

    /// <summary>Runs <paramref name="clients"/> loops of <paramref name="iteration"/> until <paramref name="duration"/> has passed; every request is timed.</summary>
    private static async Task<Mix> RunMixAsync(
        string name, int clients, TimeSpan duration, Func<int, HttpClient> clientFor, Func<HttpClient, int, Timed, Task> iteration, CancellationToken ct)
    {
        var latencies = new ConcurrentBag<List<double>>();
        long errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(index => Task.Run(async () =>
        {
            using var client = clientFor(index);
            var mine = new List<double>(16_384);
            latencies.Add(mine);
            async Task<HttpResponseMessage> Time(Func<Task<HttpResponseMessage>> send)
            {
                var started = Stopwatch.GetTimestamp();
                var response = await send();
                await response.Content.LoadIntoBufferAsync(ct);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode && Interlocked.Increment(ref errors) == 1)
                    LedgerCli.Info($"{name}: first error {(int)response.StatusCode} {response.RequestMessage?.RequestUri?.PathAndQuery}: {await response.Content.ReadAsStringAsync(ct)}");
                return response;
            }
            for (var n = 0; clock.Elapsed < duration && !ct.IsCancellationRequested; n++) await iteration(client, index * IterationsPerClient + n, Time);
        }, ct)));
        var elapsed = clock.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        return new Mix(name, all.Length, errors, elapsed, Percentile(0.50), Percentile(0.99));
    }

    /// <summary>The day the benchmark's cases happen (Asia/Shanghai): their deadlines lie ahead, so their reminders wait
    /// in the database as a live bureau's do, instead of firing during the run as those of old dates would.</summary>
    private static readonly LocalDate Today = SystemClock.Instance.GetCurrentInstant().InZone(DecisionContext.Zone).Date;

    private static async Task WriteCaseAsync(HttpClient recorder, HttpClient approver, int iteration, ConcurrentBag<string> cases, Timed time)
    {
        var caseId = $"140824-{Today.Year}-B{iteration:D7}";
        var (on, before) = (Today.ToString("uuuu-MM-dd", null), Today.PlusDays(-2).ToString("uuuu-MM-dd", null));
        var lead = $$"""
            {"case_id": "{{caseId}}", "on": "{{on}}", "source": "inspection", "summary": "市场检查发现涉嫌侵权商品", "region": "140824",
             "kind": "trademark_infringement", "party": {"kind": "organisation", "name": "某商贸有限公司"},
             "right": {"kind": "trademark", "name": "N", "registration_number": "第1237011号", "holder": "某体育用品有限公司"},
             "violation_on": "{{before}}", "flags": [], "campaigns": []}
            """;
        (HttpClient Client, string Path, string Body)[] steps =
        [
            (approver, $"/cases/{caseId}/filing", """{"on": "@on@", "legal_bases": ["商标法第五十七条第三项"]}""".Replace("@on@", on)),
            (recorder, $"/cases/{caseId}/officers", """{"on": "@on@", "officers": [{"certificate_number": "14082401017", "name": "张某"}, {"certificate_number": "14082401018", "name": "李某"}]}""".Replace("@on@", on)),
            (recorder, $"/cases/{caseId}/evidence", """{"on": "@on@", "description": "现场检查笔录"}""".Replace("@on@", on)),
            (recorder, $"/cases/{caseId}/evidence", """{"on": "@on@", "description": "询问笔录"}""".Replace("@on@", on)),
            (recorder, $"/cases/{caseId}/assessment", """{"on": "@on@", "goods_value": {"amount": "8600.00", "method": "按标价计算"}}""".Replace("@on@", on)),
        ];
        var response = await time(() => Post(recorder, "/cases", lead, $"{caseId}/0", null));
        if (!response.IsSuccessStatusCode) return;
        cases.Add(caseId);
        for (var i = 0; i < steps.Length; i++)
        {
            var (client, path, body) = steps[i];
            var version = i + 1L;
            response = await time(() => Post(client, path, body, $"{caseId}/{i + 1}", version));
            if (!response.IsSuccessStatusCode) return;
        }
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string path, string json, string key, long? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        if (ifMatch is { } version) request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        return client.SendAsync(request);
    }
}
