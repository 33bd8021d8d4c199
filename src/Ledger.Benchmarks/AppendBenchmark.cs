using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using JasperFx.Events;
using Ledger.Cli;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Marten;
using Marten.Events;
using Marten.Services;
using Npgsql;
using NpgsqlTypes;
using Spectre.Console;
using Casing = Weasel.Core.Casing;
using EnumStorage = Weasel.Core.EnumStorage;

namespace Ledger.Benchmarks;

/// <summary>
/// <c>ops/bench append</c>: the ledger's store beside bare Marten (the same Marten, append mode, stream keys,
/// headers and event JSON, and nothing of the ledger's: no triggers, no hash chain, no unique event id, no outcome
/// read-back) and beside a raw INSERT of the same row shape, in one run, in one throwaway database.
/// </summary>
internal static class AppendBenchmark
{
    /// <summary>The ledger's guarantees may cost at most a tenth of bare Marten's rate (issue 21).</summary>
    private const double MartenTarget = 0.9;

    private sealed record Scenario(string Name, string Unit, double LedgerRate, double MartenRate, double RawRate, string? Race = null)
    {
        public double MartenRatio => LedgerRate / MartenRate;
        public double RawRatio => LedgerRate / RawRate;
    }

    /// <summary>One side's work: runs <c>count</c> operations and returns how many it did.</summary>
    private sealed record Side(string Name, Func<int, Task<int>> Run);

    public static async Task<int> RunAsync(ParseResult parse, double scale, CancellationToken ct)
    {
        if (scale is <= 0 or > 100) throw new CliInputException($"--scale must be > 0 and ≤ 100; got {scale}");
        int Count(int n) => Math.Max(10, (int)(n * scale));

        var connections = await LedgerCli.ConnectAsync(parse, ct);
        // A throwaway database, so the benchmark's streams never mix with real records.
        var database = $"ledger_bench_{Environment.ProcessId}";
        await using (var admin = LedgerDatabase.CreateDataSource(connections.Owner))
        {
            await using var drop = admin.CreateCommand($"drop database if exists {database}");
            await drop.ExecuteNonQueryAsync(ct);
        }
        var owner = await LedgerDatabase.EnsureDatabaseAsync(connections.Owner, database, ct);
        try
        {
            // Autovacuum wakes once a minute and then vacuums and analyses whatever has grown: in one run the server
            // log showed about 0.7 s of it inside the timed part, landing in whichever phase happened to be running.
            // So the bench tables are left out of it, and each scenario starts after a VACUUM ANALYZE, untimed.
            await using var maintenance = LedgerDatabase.CreateDataSource(owner);
            async Task VacuumAsync()
            {
                await using var vacuum = maintenance.CreateCommand("vacuum analyze");
                await vacuum.ExecuteNonQueryAsync(ct);
            }
            await new Migrator(maintenance, LedgerCli.MigrationsDirectory).ApplyAsync(null, ct);
            // Bare Marten creates its own schema, as Marten does by default.
            await using (var ownerSource = LedgerDatabase.CreateDataSource(owner))
            using (var bare = BareMarten(ownerSource))
                await bare.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            // The raw baseline: the ledger's row shape (the same columns, defaults and indexes) with none of its rules.
            await using (var raw = maintenance.CreateCommand("""
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
                grant usage on schema bare to ledger_app;
                grant select, insert, update on all tables in schema bare to ledger_app;
                grant usage on all sequences in schema bare to ledger_app;
                grant select, insert on public.raw_events to ledger_app;
                alter table ledger.mt_events set (autovacuum_enabled = off);
                alter table ledger.mt_streams set (autovacuum_enabled = off);
                alter table bare.mt_events set (autovacuum_enabled = off);
                alter table bare.mt_streams set (autovacuum_enabled = off);
                alter table public.raw_events set (autovacuum_enabled = off);
                """))
                await raw.ExecuteNonQueryAsync(ct);

            // All three sides as the application role, on data sources of the same size.
            var application = connections.Embedded ? LedgerDatabase.WithUser(owner, LedgerDatabase.ApplicationRole) : owner;
            await using var dataSource = LedgerDatabase.CreateDataSource(application, maxPoolSize: 50);
            await using var martenSource = LedgerDatabase.CreateDataSource(application, maxPoolSize: 50);
            await using var store = new LedgerEventStore(dataSource, Runner.EventTypes, CaseEventSerializer.Options);
            using var marten = BareMarten(martenSource);
            var bench = new Runner(store, marten, dataSource);

            var results = new List<Scenario>();
            AnsiConsole.MarkupLine($"[bold]bench append[/] in database {database} (durable commits; scale {scale}; {BenchmarkHeader.ThreadPoolSpinSetting()})");
            results.Add(await Measure("(a) 1 event per append, new streams, 1 client", "events/s", Count(1500), VacuumAsync,
                new("ledger", n => bench.AppendSingleAsync(n, clients: 1, ct)),
                new("marten", n => bench.MartenSingleAsync(n, clients: 1, ct)),
                new("raw", n => bench.RawSingleAsync(n, clients: 1, ct))));
            results.Add(await Measure("(b) 10 events per append, 1 client", "events/s", Count(300), VacuumAsync,
                new("ledger", n => bench.AppendBatchAsync(n, 10, ct)),
                new("marten", n => bench.MartenBatchAsync(n, 10, ct)),
                new("raw", n => bench.RawBatchAsync(n, 10, ct))));
            results.Add(await Measure("(c) 1 event per append, 8 clients", "events/s", Count(4000), VacuumAsync,
                new("ledger", n => bench.AppendSingleAsync(n, clients: 8, ct)),
                new("marten", n => bench.MartenSingleAsync(n, clients: 8, ct)),
                new("raw", n => bench.RawSingleAsync(n, clients: 8, ct))));
            var (ledgerStream, martenStream, rawStream) = await bench.PrepareFoldStreamsAsync(100, ct);
            results.Add(await Measure("(d) read and fold a 100-event stream", "folds/s", Count(1500), VacuumAsync,
                new("ledger", n => bench.FoldAsync(ledgerStream, n, ct)),
                new("marten", n => bench.MartenFoldAsync(martenStream, n, ct)),
                new("raw", n => bench.RawReadAsync(rawStream, n, ct))));
            var race = await Measure("(e) 8 writers racing one stream (read version, append expecting it)", "appends/s", Count(400), VacuumAsync,
                new("ledger", n => bench.LedgerRaceAsync(n, writers: 8, ct)),
                new("marten", n => bench.MartenRaceAsync(n, writers: 8, ct)),
                new("raw", n => bench.RawRaceAsync(n, writers: 8, ct)));
            results.Add(race with { Race = bench.RaceReport() });

            var table = new Table().AddColumns("scenario", "ledger", "bare Marten", "raw SQL", "ledger / Marten", $"target ≥ {MartenTarget}", "ledger / raw");
            foreach (var r in results)
                table.AddRow(Markup.Escape(r.Name), $"{r.LedgerRate:N0} {r.Unit}", $"{r.MartenRate:N0}", $"{r.RawRate:N0}", $"{r.MartenRatio:0.000}",
                    r.MartenRatio >= MartenTarget ? "[green]met[/]" : "[red]not met[/]", $"{r.RawRatio:0.000}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape(results[^1].Race ?? ""));
            return bench.RacesLostNothing ? ExitCodes.Ok : ExitCodes.Failure;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = LedgerDatabase.CreateDataSource(connections.Owner);
            await using var drop = admin.CreateCommand($"drop database if exists {database} with (force)");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Marten as it comes, in a schema of its own, with only what makes it comparable: Quick mode and string
    /// stream keys (as the ledger), headers on (the same metadata is written) and the same event JSON.</summary>
    private static DocumentStore BareMarten(NpgsqlDataSource dataSource) => DocumentStore.For(o =>
    {
        o.Connection(dataSource);
        o.DatabaseSchemaName = "bare";
        o.AutoCreateSchemaObjects = JasperFx.AutoCreate.CreateOrUpdate;
        o.Events.StreamIdentity = StreamIdentity.AsString;
        o.Events.AppendMode = EventAppendMode.Quick;
        o.Events.MetadataConfig.HeadersEnabled = true;
        o.UseSystemTextJsonForSerialization(new JsonSerializerOptions(CaseEventSerializer.Options), EnumStorage.AsString, Casing.SnakeCase);
        o.Events.MapEventType<Runner.BenchRecorded>("bench_recorded.v1");
    });

    /// <summary>Warms every side up, then runs them in the order raw, Marten, ledger, ledger, Marten, raw, so that a
    /// machine slowing down or speeding up during the scenario, and the after-effects of the phase before (dirty
    /// pages, WAL), fall on all sides alike; each side's rate is its total work over its total time. Ratios print
    /// with three decimals: with two, 0.899 would show as 0.90 beside "not met".</summary>
    /// <remarks>The warm-up runs a tenth of each side's work untimed, then waits a moment: the code is compiled again,
    /// optimised, on a background thread once it has run a few dozen times, and that compiler would otherwise share
    /// the two cores with the first timed phase.</remarks>
    private static async Task<Scenario> Measure(string name, string unit, int count, Func<Task> maintain, Side ledger, Side marten, Side raw)
    {
        await maintain();
        var warmUp = Math.Max(50, count / 10);
        foreach (var side in new[] { raw, marten, ledger }) await side.Run(warmUp);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var work = new Dictionary<Side, (long Done, TimeSpan Time)> { [ledger] = default, [marten] = default, [raw] = default };
        foreach (var side in new[] { raw, marten, ledger, ledger, marten, raw })
        {
            var watch = Stopwatch.StartNew();
            var done = await side.Run(count);
            var (sum, time) = work[side];
            work[side] = (sum + done, time + watch.Elapsed);
        }
        double Rate(Side side) => work[side].Done / work[side].Time.TotalSeconds;
        var scenario = new Scenario(name, unit, Rate(ledger), Rate(marten), Rate(raw));
        AnsiConsole.MarkupLine(Markup.Escape(
            $"  {name}: ledger {scenario.LedgerRate:N0}, bare Marten {scenario.MartenRate:N0}, raw {scenario.RawRate:N0} {unit}; " +
            $"ledger/Marten {scenario.MartenRatio:0.000}, ledger/raw {scenario.RawRatio:0.000}"));
        return scenario;
    }

    private sealed class Runner(LedgerEventStore store, IDocumentStore marten, NpgsqlDataSource dataSource)
    {
        private static readonly JsonElement Metadata = new EventMetadata("bench", Guid.NewGuid()).ToJson();
        private static readonly string MetadataText = Metadata.GetRawText();
        private static readonly Dictionary<string, object> Headers =
            Metadata.EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value.Clone());
        private int _streams;

        /// <summary>The one event type of the benchmark's streams.</summary>
        public static EventTypes EventTypes { get; } = new([new(typeof(BenchRecorded), "bench_recorded.v1")]);

        /// <summary>A payload the size and shape of a real case event (a decision with amounts and bases).</summary>
        public sealed record BenchRecorded(
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

        public Task<int> MartenSingleAsync(int appends, int clients, CancellationToken ct) =>
            Parallel(appends, clients, async i =>
            {
                await using var session = marten.LightweightSession();
                StartStream(session, NextStream(), [Event(i)]);
                await session.SaveChangesAsync(ct);
            });

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
                var events = Enumerable.Range(0, size).Select(k => new NewEvent(Guid.NewGuid(), Event(i * size + k))).ToList();
                await store.AppendAsync(new AppendRequest(NextStream(), "bench", ExpectedVersion.NoStream, events, Metadata), ct);
            }
            return appends * size;
        }

        public async Task<int> MartenBatchAsync(int appends, int size, CancellationToken ct)
        {
            for (var i = 0; i < appends; i++)
            {
                await using var session = marten.LightweightSession();
                StartStream(session, NextStream(), [.. Enumerable.Range(0, size).Select(k => (object)Event(i * size + k))]);
                await session.SaveChangesAsync(ct);
            }
            return appends * size;
        }

        private static void StartStream(IDocumentSession session, string stream, object[] events)
        {
            var action = session.Events.StartStream(stream, events);
            foreach (var e in action.Events) e.Headers = Headers;
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

        public async Task<(string Ledger, string Marten, string Raw)> PrepareFoldStreamsAsync(int length, CancellationToken ct)
        {
            var ledger = NextStream();
            await store.AppendAsync(new AppendRequest(ledger, "bench", ExpectedVersion.NoStream,
                [.. Enumerable.Range(0, length).Select(k => new NewEvent(Guid.NewGuid(), Event(k)))], Metadata), ct);
            var bare = NextStream();
            await using (var session = marten.LightweightSession())
            {
                StartStream(session, bare, [.. Enumerable.Range(0, length).Select(k => (object)Event(k))]);
                await session.SaveChangesAsync(ct);
            }
            var raw = NextStream();
            for (var k = 0; k < length; k++)
            {
                await using var command = dataSource.CreateCommand(
                    "insert into public.raw_events (event_id, stream_id, version, event_type, data, metadata, recorded_at, previous_hash, hash) " +
                    $"values ($1, $2, {k + 1}, 'bench_recorded.v1', $3, $4, clock_timestamp(), $5, $6)");
                AddRawParameters(command, raw, Payload(k));
                await command.ExecuteNonQueryAsync(ct);
            }
            return (ledger, bare, raw);
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

        /// <summary>Bare Marten's read of the stream (deserialised into the event records) and the same fold.</summary>
        public async Task<int> MartenFoldAsync(string stream, int folds, CancellationToken ct)
        {
            long checksum = 0;
            for (var i = 0; i < folds; i++)
            {
                await using var session = marten.QuerySession();
                var events = await session.Events.FetchStreamAsync(stream, token: ct);
                checksum += events.Sum(e => ((BenchRecorded)e.Data).FineFen);
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

        private readonly Dictionary<string, (int Races, long Won, long Lost, int Exact)> _races = [];

        /// <summary>True when no race lost or duplicated an event.</summary>
        public bool RacesLostNothing => _races.Values.All(r => r.Exact == r.Races);

        public string RaceReport() => "(e) checked after every race (warm-up included): " + string.Join("; ", _races.Select(r =>
            $"{r.Key}: {r.Value.Races} races, {r.Value.Won:N0} appends won, {r.Value.Lost:N0} lost to a conflict, " +
            (r.Value.Exact == r.Value.Races ? "0 events lost or duplicated" : $"EVENTS LOST OR DUPLICATED in {r.Value.Races - r.Value.Exact}")));

        /// <summary>Writers race on one new stream until <paramref name="target"/> appends succeeded; each reads the
        /// version and appends expecting it. Afterwards the stream must hold exactly the winners, each at the version
        /// it was told, with contiguous versions and no id twice.</summary>
        private async Task<int> RaceAsync(string side, int target, int writers,
                                          Func<string, Task<long>> version, Func<string, long, Guid, Task<bool>> append,
                                          Func<string, Task<IReadOnlyList<(Guid Id, long Version)>>> read)
        {
            var stream = NextStream();
            var successes = 0;
            var conflicts = 0;
            var winners = new System.Collections.Concurrent.ConcurrentBag<(Guid Id, long Version)>();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                while (Volatile.Read(ref successes) < target)
                {
                    var expected = await version(stream);
                    var id = Guid.NewGuid();
                    if (await append(stream, expected, id))
                    {
                        Interlocked.Increment(ref successes);
                        winners.Add((id, expected + 1));
                    }
                    else Interlocked.Increment(ref conflicts);
                }
            })));
            var stored = await read(stream);
            var exact = stored.Count == successes
                        && stored.Select(e => e.Version).SequenceEqual(Enumerable.Range(1, stored.Count).Select(v => (long)v))
                        && stored.Select(e => e.Id).Distinct().Count() == stored.Count
                        && winners.All(w => stored[(int)w.Version - 1].Id == w.Id);
            lock (_races)
            {
                var (races, won, lost, exacts) = _races.GetValueOrDefault(side);
                _races[side] = (races + 1, won + successes, lost + conflicts, exacts + (exact ? 1 : 0));
            }
            return successes;
        }

        public Task<int> LedgerRaceAsync(int target, int writers, CancellationToken ct) => RaceAsync("ledger", target, writers,
            async stream => (await store.GetStreamAsync(stream, ct))?.Version ?? 0,
            async (stream, expected, id) =>
            {
                try
                {
                    await store.AppendAsync(new AppendRequest(stream, "bench", expected == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(expected),
                        [new NewEvent(id, Event(expected))], Metadata), ct);
                    return true;
                }
                catch (ConcurrencyException)
                {
                    return false;
                }
            },
            async stream => [.. (await store.ReadStreamAsync(stream, ct: ct)).Select(e => (e.EventId, e.Version))]);

        public Task<int> MartenRaceAsync(int target, int writers, CancellationToken ct) => RaceAsync("bare Marten", target, writers,
            async stream =>
            {
                await using var session = marten.QuerySession();
                return (await session.Events.FetchStreamStateAsync(stream, ct))?.Version ?? 0;
            },
            async (stream, expected, id) =>
            {
                try
                {
                    await using var session = marten.LightweightSession();
                    var action = expected == 0
                        ? session.Events.StartStream(stream, Event(expected))
                        : session.Events.Append(stream, expected + 1, Event(expected));
                    action.Events[0].Id = id;
                    action.Events[0].Headers = Headers;
                    await session.SaveChangesAsync(ct);
                    return true;
                }
                catch (Exception e) when (e is EventStreamUnexpectedMaxEventIdException or global::Marten.Exceptions.ExistingStreamIdCollisionException
                                              or JasperFx.Events.ExistingStreamIdCollisionException
                                          || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
                                          || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
                {
                    return false;
                }
            },
            async stream =>
            {
                await using var session = marten.QuerySession();
                return [.. (await session.Events.FetchStreamAsync(stream, token: ct)).Select(e => (e.Id, e.Version))];
            });

        public Task<int> RawRaceAsync(int target, int writers, CancellationToken ct) => RaceAsync("raw", target, writers,
            async stream =>
            {
                await using var command = dataSource.CreateCommand("select coalesce(max(version), 0) from public.raw_events where stream_id = $1");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
                return (long)(await command.ExecuteScalarAsync(ct))!;
            },
            async (stream, expected, id) =>
            {
                try
                {
                    await using var command = dataSource.CreateCommand(
                        "insert into public.raw_events (event_id, stream_id, version, event_type, data, metadata, recorded_at, previous_hash, hash) " +
                        "values ($1, $2, $7, 'bench_recorded.v1', $3, $4, clock_timestamp(), $5, $6)");
                    AddRawParameters(command, stream, Payload(expected));
                    command.Parameters[0] = new NpgsqlParameter<Guid> { TypedValue = id };
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected + 1 });
                    await command.ExecuteNonQueryAsync(ct);
                    return true;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
                {
                    return false;
                }
            },
            async stream =>
            {
                await using var command = dataSource.CreateCommand("select event_id, version from public.raw_events where stream_id = $1 order by version");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
                await using var reader = await command.ExecuteReaderAsync(ct);
                var rows = new List<(Guid, long)>();
                while (await reader.ReadAsync(ct)) rows.Add((reader.GetGuid(0), reader.GetInt64(1)));
                return rows;
            });

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
