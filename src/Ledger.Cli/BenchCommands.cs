using Ledger.Application;
using Ledger.Domain.Serialization;
using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Npgsql;
using NpgsqlTypes;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>
/// Benchmarks. Every figure is a ratio to a baseline measured in the same run on the same cluster, so the
/// machine's speed (and its fsync cost: commits are durable) cancels out.
/// </summary>
public static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure the ledger against a raw-SQL baseline in the same run");
        var scale = new Option<double>("--scale")
        {
            Description = "Multiply the number of operations (1 = about a minute on 2 cores)",
            DefaultValueFactory = _ => 1.0,
        };
        var append = new Command("append", "Append and read-fold throughput vs plain INSERT/SELECT of the same row shape");
        append.Options.Add(scale);
        append.SetAction((parse, ct) => Cli.RunAsync(() => AppendBenchmark.RunAsync(parse, parse.GetValue(scale), ct)));
        bench.Subcommands.Add(append);

        var events = new Option<long>("--events") { Description = "Events to simulate and load (default 10,000,000)", DefaultValueFactory = _ => 10_000_000 };
        var runs = new Option<int>("--runs") { Description = "Timed runs of each ledger query (default 200)", DefaultValueFactory = _ => 200 };
        var baselineRuns = new Option<int>("--baseline-runs") { Description = "Timed runs of each plain GROUP BY (default 3)", DefaultValueFactory = _ => 3 };
        var keep = new Option<bool>("--keep") { Description = "Keep the benchmark database and reuse its events next time (no load measured then)" };
        var totals = new Command("totals", "Load ten years of simulated cases, rebuild the totals projection, time totals queries against a plain GROUP BY")
        {
            events, runs, baselineRuns, keep,
        };
        totals.SetAction((parse, ct) => Cli.RunAsync(() => TotalsBenchmark.RunAsync(parse, parse.GetValue(events), parse.GetValue(runs), parse.GetValue(baselineRuns), parse.GetValue(keep), ct)));
        bench.Subcommands.Add(totals);

        var actions = new Option<int>("--actions") { Description = "Actions in the file (default 100,000)", DefaultValueFactory = _ => 100_000 };
        var baselineActions = new Option<int>("--baseline-actions") { Description = "Actions handled one by one for the baseline (default 5,000)", DefaultValueFactory = _ => 5_000 };
        var parallel = new Option<int>("--parallel") { Description = "Cases written at once, by the import and the baseline (default 4)", DefaultValueFactory = _ => 4 };
        var import = new Command("import", "Import a JSON Lines file of simulated case actions; compare with handling each action on its own")
        {
            actions, baselineActions, parallel,
        };
        import.SetAction((parse, ct) => Cli.RunAsync(() => ImportBenchmark.RunAsync(parse, parse.GetValue(actions), parse.GetValue(baselineActions), parse.GetValue(parallel), ct)));
        bench.Subcommands.Add(import);

        var logEvents = new Option<long>("--events") { Description = "Events in the log (default 10,000,000)", DefaultValueFactory = _ => 10_000_000 };
        var verifyEvents = new Option<long>("--verify-events") { Description = "Events `ledger verify` is timed over (default 1,000,000)", DefaultValueFactory = _ => 1_000_000 };
        var proofs = new Option<int>("--proofs") { Description = "Proofs of each kind timed (default 2,000)", DefaultValueFactory = _ => 2_000 };
        var keepLog = new Option<bool>("--keep") { Description = "Keep the benchmark database; a later run reuses its events and leaves (their load and integration are then not measured)" };
        var logBench = new Command("log", "Leaf integration rate, ledger verify time and proof latency at millions of leaves, beside plain reads")
        {
            logEvents, verifyEvents, proofs, keepLog,
        };
        logBench.SetAction((parse, ct) => Cli.RunAsync(() => LogBenchmark.RunAsync(parse, parse.GetValue(logEvents), parse.GetValue(verifyEvents), parse.GetValue(proofs), parse.GetValue(keepLog), ct)));
        bench.Subcommands.Add(logBench);

        var clients = new Option<int>("--clients") { Description = "Concurrent clients (default 16)", DefaultValueFactory = _ => 16 };
        var seconds = new Option<int>("--seconds") { Description = "Seconds each mix runs (default 15)", DefaultValueFactory = _ => 15 };
        var http = new Command("http", "Requests/s and p50/p99 of a write mix and a read mix through the HTTP API on loopback, beside an authenticated health check")
        {
            clients, seconds,
        };
        http.SetAction((parse, ct) => Cli.RunAsync(() => HttpBenchmark.RunAsync(parse, parse.GetValue(clients), parse.GetValue(seconds), ct)));
        bench.Subcommands.Add(http);
        return bench;
    }
}

internal static class AppendBenchmark
{
    private const double Target = 0.6;

    private sealed record Scenario(string Name, string Unit, double LedgerRate, double RawRate)
    {
        public double Ratio => LedgerRate / RawRate;
    }

    public static async Task<int> RunAsync(ParseResult parse, double scale, CancellationToken ct)
    {
        if (scale is <= 0 or > 100) throw new CliInputException($"--scale must be > 0 and ≤ 100; got {scale}");
        int Count(int n) => Math.Max(10, (int)(n * scale));

        var connections = await Cli.ConnectAsync(parse, ct);
        // A throwaway database, so the benchmark's streams never mix with real records.
        var database = $"ledger_bench_{Environment.ProcessId}";
        await using (var admin = NpgsqlDataSource.Create(connections.Owner))
        {
            await using var drop = admin.CreateCommand($"drop database if exists {database}");
            await drop.ExecuteNonQueryAsync(ct);
        }
        var owner = await LedgerDatabase.EnsureDatabaseAsync(connections.Owner, database, ct);
        try
        {
            // Autovacuum wakes once a minute and then vacuums and analyses whatever has grown: in one run the server
            // log showed about 0.7 s of it (both sides' tables and some catalogs) inside the timed part, landing in
            // whichever phase happened to be running. So the bench tables are left out of it, and each scenario
            // starts after a VACUUM ANALYZE of the whole database, untimed, with fresh statistics for both sides.
            await using var maintenance = NpgsqlDataSource.Create(owner);
            async Task VacuumAsync()
            {
                await using var vacuum = maintenance.CreateCommand("vacuum analyze");
                await vacuum.ExecuteNonQueryAsync(ct);
            }
            await using (var ownerSource = NpgsqlDataSource.Create(owner))
            {
                await new Migrator(ownerSource, Cli.MigrationsDirectory).ApplyAsync(null, ct);
                // The baseline table: the same columns, defaults and indexes as ledger.events, with the base types
                // of its domains and none of their rules, and without the append function, the hash chain, the
                // stream row or the triggers. (LIKE would copy the domains, and with them the rules' cost.)
                await using var raw = ownerSource.CreateCommand("""
                    create table public.raw_events (
                        position bigint generated always as identity primary key,
                        event_id uuid not null unique,
                        stream_id text not null,
                        version bigint not null,
                        event_type text not null,
                        data jsonb not null,
                        metadata jsonb not null,
                        recorded_at timestamptz not null,
                        transaction_id xid8 not null default pg_current_xact_id(),
                        previous_hash bytea not null,
                        hash bytea not null,
                        unique (stream_id, version));
                    create index on public.raw_events (transaction_id, position);
                    grant select, insert on public.raw_events to ledger_app;
                    alter table ledger.mt_events set (autovacuum_enabled = off);
                    alter table ledger.mt_streams set (autovacuum_enabled = off);
                    alter table public.raw_events set (autovacuum_enabled = off);
                    """);
                await raw.ExecuteNonQueryAsync(ct);
            }
            var application = connections.Embedded ? LedgerDatabase.WithUser(owner, LedgerDatabase.ApplicationRole) : owner;
            await using var dataSource = LedgerDatabase.CreateDataSource(application, maxPoolSize: 50);
            await using var store = new LedgerEventStore(dataSource, Runner.EventTypes, CaseEventSerializer.Options);
            var bench = new Runner(store, dataSource);

            var results = new List<Scenario>();
            AnsiConsole.MarkupLine($"[bold]bench append[/] in database {database} (durable commits; scale {scale}; {Cli.ThreadPoolSpinSetting()})");
            results.Add(await Measure("(a) 1 event per append, new streams, 1 client", "events/s", Count(1500), VacuumAsync,
                n => bench.AppendSingleAsync(n, clients: 1, ct),
                n => bench.RawSingleAsync(n, clients: 1, ct)));
            results.Add(await Measure("(b) 10 events per append, 1 client", "events/s", Count(300), VacuumAsync,
                n => bench.AppendBatchAsync(n, 10, ct),
                n => bench.RawBatchAsync(n, 10, ct)));
            results.Add(await Measure("(c) 1 event per append, 8 clients", "events/s", Count(4000), VacuumAsync,
                n => bench.AppendSingleAsync(n, clients: 8, ct),
                n => bench.RawSingleAsync(n, clients: 8, ct)));
            var (streamId, rawStreamId) = await bench.PrepareFoldStreamsAsync(100, ct);
            results.Add(await Measure("(d) read and fold a 100-event stream", "folds/s", Count(1500), VacuumAsync,
                n => bench.FoldAsync(streamId, n, ct),
                n => bench.RawReadAsync(rawStreamId, n, ct)));

            var table = new Table().AddColumns("scenario", "ledger", "raw SQL", "ratio", $"target ≥ {Target}");
            foreach (var r in results)
                table.AddRow(r.Name, $"{r.LedgerRate:N0} {r.Unit}", $"{r.RawRate:N0} {r.Unit}", $"{r.Ratio:0.000}",
                    r.Ratio >= Target ? "[green]met[/]" : "[red]not met[/]");
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = NpgsqlDataSource.Create(connections.Owner);
            await using var drop = admin.CreateCommand($"drop database if exists {database} with (force)");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Warms both sides up, then runs raw and ledger twice each in the order raw, ledger, ledger, raw, so
    /// that a machine slowing down or speeding up during the scenario, and the after-effects of the phase before
    /// (dirty pages, WAL), fall on both sides alike; each side's rate is its total work over its total time.
    /// Ratios print with three decimals: with two, 0.599 showed as 0.60 beside "not met".</summary>
    /// <remarks>The warm-up runs a tenth of each side's work untimed, then waits a moment: the scenario's code (here
    /// and in Npgsql) is compiled again, optimised, on a background thread once it has run a few dozen times, and
    /// that compiler would otherwise share the two cores with the first timed phase. Each scenario warms its own
    /// paths: a 10-event append takes other code and another SQL function than a single event.</remarks>
    private static async Task<Scenario> Measure(string name, string unit, int count, Func<Task> maintain,
                                                Func<int, Task<int>> ledger, Func<int, Task<int>> raw)
    {
        await maintain();
        var warmUp = Math.Max(50, count / 10);
        await raw(warmUp);
        await ledger(warmUp);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        long ledgerWork = 0, rawWork = 0;
        TimeSpan ledgerTime = default, rawTime = default;
        foreach (var ledgerTurn in new[] { false, true, true, false })
        {
            var watch = Stopwatch.StartNew();
            if (ledgerTurn)
            {
                ledgerWork += await ledger(count);
                ledgerTime += watch.Elapsed;
            }
            else
            {
                rawWork += await raw(count);
                rawTime += watch.Elapsed;
            }
        }
        var scenario = new Scenario(name, unit, ledgerWork / ledgerTime.TotalSeconds, rawWork / rawTime.TotalSeconds);
        AnsiConsole.MarkupLine($"  {Markup.Escape(name)}: ledger {scenario.LedgerRate:N0}, raw {scenario.RawRate:N0} {unit}, ratio {scenario.Ratio:0.000}");
        return scenario;
    }

    private sealed class Runner(LedgerEventStore store, NpgsqlDataSource dataSource)
    {
        private static readonly JsonElement Metadata = new EventMetadata("bench", Guid.NewGuid()).ToJson();
        private static readonly string MetadataText = Metadata.GetRawText();
        private int _streams;

        /// <summary>The one event type of the benchmark's streams.</summary>
        public static EventTypes EventTypes { get; } = new([new(typeof(BenchRecorded), "bench_recorded.v1")]);

        /// <summary>A payload the size and shape of a real case event (a decision with amounts and bases).</summary>
        private sealed record BenchRecorded(
            string CaseId, string DecisionNumber, long FineFen, long ConfiscatedGainsFen, string[] LegalBasis, string DecidedOn);

        private static BenchRecorded Event(long n) => new(
            $"case-150000-2020-{n:000000}", $"内市监处罚〔2020〕{n % 1000}号", 1_250_000 + n, 31_000,
            ["商标法第60条第2款", "行政处罚法第32条"], "2020-06-30");

        // The raw side stores the same JSON the ledger stores.
        private static JsonElement Payload(long n) => JsonSerializer.SerializeToElement(Event(n), CaseEventSerializer.Options);

        private string NextStream() => $"bench-{Interlocked.Increment(ref _streams)}-{Guid.NewGuid():N}";

        public Task<int> AppendSingleAsync(int appends, int clients, CancellationToken ct) =>
            Parallel(appends, clients, async i =>
                await store.AppendAsync(new AppendRequest(NextStream(), "bench", ExpectedVersion.NoStream,
                    [new NewEvent(Guid.NewGuid(), Event(i))], Metadata), ct));

        public Task<int> RawSingleAsync(int inserts, int clients, CancellationToken ct) =>
            Parallel(inserts, clients, async i =>
            {
                await using var command = dataSource.CreateCommand(
                    "insert into public.raw_events (event_id, stream_id, version, event_type, data, metadata, recorded_at, previous_hash, hash) " +
                    "values ($1, $2, 1, 'bench_recorded.v1', $3, $4, clock_timestamp(), $5, $6)");
                AddRawParameters(command, NextStream(), Payload(i));
                await command.ExecuteNonQueryAsync(ct);
            });

        public async Task<int> AppendBatchAsync(int appends, int size, CancellationToken ct)
        {
            for (var i = 0; i < appends; i++)
            {
                var events = Enumerable.Range(0, size)
                    .Select(k => new NewEvent(Guid.NewGuid(), Event(i * size + k))).ToList();
                await store.AppendAsync(new AppendRequest(NextStream(), "bench", ExpectedVersion.NoStream, events, Metadata), ct);
            }
            return appends * size;
        }

        public async Task<int> RawBatchAsync(int inserts, int size, CancellationToken ct)
        {
            var values = string.Join(", ", Enumerable.Range(0, size).Select(k =>
                $"(${6 * k + 1}, ${6 * k + 2}, {k + 1}, 'bench_recorded.v1', ${6 * k + 3}, ${6 * k + 4}, clock_timestamp(), ${6 * k + 5}, ${6 * k + 6})"));
            for (var i = 0; i < inserts; i++)
            {
                await using var command = dataSource.CreateCommand(
                    "insert into public.raw_events (event_id, stream_id, version, event_type, data, metadata, recorded_at, previous_hash, hash) values " + values);
                var stream = NextStream();
                for (var k = 0; k < size; k++) AddRawParameters(command, stream, Payload(i * size + k));
                await command.ExecuteNonQueryAsync(ct);
            }
            return inserts * size;
        }

        private static void AddRawParameters(NpgsqlCommand command, string stream, JsonElement payload)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = payload.GetRawText() });
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = MetadataText });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = RandomNumberGenerator.GetBytes(32) });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = RandomNumberGenerator.GetBytes(32) });
        }

        public async Task<(string Ledger, string Raw)> PrepareFoldStreamsAsync(int length, CancellationToken ct)
        {
            var stream = NextStream();
            var events = Enumerable.Range(0, length).Select(k => new NewEvent(Guid.NewGuid(), Event(k))).ToList();
            await store.AppendAsync(new AppendRequest(stream, "bench", ExpectedVersion.NoStream, events, Metadata), ct);
            var raw = NextStream();
            for (var k = 0; k < length; k++)
            {
                await using var command = dataSource.CreateCommand(
                    "insert into public.raw_events (event_id, stream_id, version, event_type, data, metadata, recorded_at, previous_hash, hash) " +
                    $"values ($1, $2, {k + 1}, 'bench_recorded.v1', $3, $4, clock_timestamp(), $5, $6)");
                AddRawParameters(command, raw, Payload(k));
                await command.ExecuteNonQueryAsync(ct);
            }
            return (stream, raw);
        }

        /// <summary>Reads the stream through the store and folds it: each event's payload is parsed and its
        /// amounts summed, as a case projection would.</summary>
        public async Task<int> FoldAsync(string stream, int folds, CancellationToken ct)
        {
            long checksum = 0;
            for (var i = 0; i < folds; i++)
            {
                var events = await store.ReadStreamAsync(stream, ct: ct);
                long state = 0;
                foreach (var e in events)
                {
                    using var data = JsonDocument.Parse(e.Data);
                    state += data.RootElement.GetProperty("fine_fen").GetInt64();
                }
                checksum += state;
            }
            return checksum > 0 ? folds : throw new InvalidOperationException("the fold saw no amounts");
        }

        /// <summary>The baseline: the same 100 rows' columns read with a plain SELECT, nothing parsed.</summary>
        public async Task<int> RawReadAsync(string stream, int reads, CancellationToken ct)
        {
            long rows = 0;
            for (var i = 0; i < reads; i++)
            {
                await using var command = dataSource.CreateCommand(
                    "select position, event_id, stream_id, version, event_type, data::text, metadata::text, recorded_at, " +
                    "transaction_id::text, previous_hash, hash from public.raw_events where stream_id = $1 order by version");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    _ = reader.GetString(5);
                    rows++;
                }
            }
            return rows > 0 ? reads : throw new InvalidOperationException("the raw read saw no rows");
        }

        private static async Task<int> Parallel(int total, int clients, Func<int, Task> operation)
        {
            var next = -1;
            var workers = Enumerable.Range(0, clients).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < total) await operation(i);
            });
            await Task.WhenAll(workers);
            return total;
        }
    }
}
