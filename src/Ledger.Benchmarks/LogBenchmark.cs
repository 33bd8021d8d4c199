using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ledger.Cli;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Ledger.Integrity;
using Ledger.Integrity.Merkle;
using Ledger.Integrity.Signing;
using Ledger.Simulation;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Spectre.Console;

namespace Ledger.Benchmarks;

/// <summary>
/// <c>ops/bench log</c>: leaf integration rate, <c>ledger verify</c> time and proof latency on a log of millions of
/// events, each beside a plain-SQL baseline measured in the same run. Events are synthetic (ten per stream, valid hash
/// chains) and loaded through the store's bulk import (<see cref="LedgerEventStore.ImportAsync"/>), many streams per
/// transaction, since appending 10 million one append at a time would take hours and is measured by <c>bench append</c>.
/// </summary>
internal static class LogBenchmark
{
    private const double IntegrationTarget = 100_000;
    private const double ProofTargetMs = 5;
    private const int EventsPerStream = 10;
    private const int LoadBatch = 100_000;

    public static async Task<int> RunAsync(ParseResult parse, long events, long verifyEvents, int proofs, bool keep, CancellationToken ct)
    {
        if (events < 1000 || events > 100_000_000) throw new CliInputException($"--events: must be between 1,000 and 100,000,000; got {events}");
        if (verifyEvents < 1 || verifyEvents > events) throw new CliInputException($"--verify-events: must be between 1 and --events ({events}); got {verifyEvents}");
        if (proofs is < 10 or > 1_000_000) throw new CliInputException($"--proofs: must be between 10 and 1,000,000; got {proofs}");

        var connections = await LedgerCli.ConnectAsync(parse, ct);
        const string database = "ledger_bench_log";
        var owner = await LedgerDatabase.EnsureDatabaseAsync(connections.Owner, database, ct);
        var folder = Path.Combine(Path.GetTempPath(), $"ledger-bench-keys-{Environment.ProcessId}");
        try
        {
            await using var ownerSource = LedgerDatabase.CreateDataSource(owner);
            await new Migrator(ownerSource, LedgerCli.MigrationsDirectory).ApplyAsync(null, ct);
            var application = connections.Embedded ? LedgerDatabase.WithUser(owner, LedgerDatabase.ApplicationRole) : owner;
            await using var dataSource = LedgerDatabase.CreateDataSource(application);
            var log = new MerkleLog(dataSource);
            var signer = CheckpointKeyFiles.Create(Path.Combine(folder, "bench.pem"), SignatureSuite.EcdsaP256);
            await log.EnsureCreatedAsync("ledger.bench", SignatureSuite.EcdsaP256, ct);
            AnsiConsole.MarkupLine($"[bold]bench log[/] in database {database}: {events:N0} events, verify over {verifyEvents:N0}, {proofs:N0} proofs of each kind");

            var loaded = await CountAsync(ownerSource, "select count(*) from ledger.events", ct);
            var integrated = (await log.GetStateAsync(ct))!.TreeSize;
            if (loaded > events || integrated > verifyEvents && integrated < events)
                throw new CliInputException($"database {database} holds {loaded:N0} events ({integrated:N0} integrated) that do not fit these options; drop it or use other numbers");
            var rows = new List<string[]>();

            // Stage 1: the first verifyEvents events, integrated, signed and verified.
            if (loaded < verifyEvents) await LoadAsync(ownerSource, loaded, verifyEvents, ct);
            if (integrated < verifyEvents)
            {
                var (rate, raw) = await MeasureIntegrationAsync(log, dataSource, ct);
                rows.Add(Row($"integrate leaves 0–{verifyEvents:N0}", rate, raw, "events/s", $"≥ {IntegrationTarget:N0} events/s", rate >= IntegrationTarget));
                await log.CheckpointAsync(signer, "ledger.bench", ct);
            }
            {
                var clock = Stopwatch.StartNew();
                var report = await new LedgerVerifier(dataSource, [signer.PublicKey]).VerifyAsync(ct: ct);
                var seconds = clock.Elapsed.TotalSeconds;
                if (!report.Ok) throw new InvalidOperationException($"the benchmark ledger does not verify: {report.Discrepancies[0]}");
                if (report.Events != verifyEvents) AnsiConsole.MarkupLine($"[yellow]verified {report.Events:N0} events (the database already held more)[/]");
                var rawSeconds = await RawVerifyReadAsync(dataSource, ct);
                rows.Add([$"ledger verify, {report.Events:N0} events", $"{seconds:F1} s ({report.Events / seconds:N0} events/s)",
                    $"{rawSeconds:F1} s (read the same rows)", $"{rawSeconds / seconds:0.00}", "(no target)"]);
            }

            // Stage 2: the rest, integrated onto the signed log, then proofs at full size.
            if (loaded < events) await LoadAsync(ownerSource, Math.Max(loaded, verifyEvents), events, ct);
            if ((await log.GetStateAsync(ct))!.TreeSize < events)
            {
                var before = (await log.GetStateAsync(ct))!.TreeSize;
                var (rate, raw) = await MeasureIntegrationAsync(log, dataSource, ct);
                rows.Add(Row($"integrate leaves {before:N0}–{events:N0}", rate, raw, "events/s", $"≥ {IntegrationTarget:N0} events/s", rate >= IntegrationTarget));
            }
            var checkpoint = (await log.CheckpointAsync(signer, "ledger.bench", ct))!;
            var size = checkpoint.TreeSize;
            var random = new Random(20261121);

            var inclusion = new List<double>();
            var (hasher, root) = (TreeHasher.Sha256, checkpoint.RootHash);
            for (var i = 0; i < proofs; i++)
            {
                var index = random.NextInt64(size);
                var clock = Stopwatch.StartNew();
                var proof = (await log.InclusionProofsAsync([index], size, ct))[0];
                inclusion.Add(clock.Elapsed.TotalMilliseconds);
                if (i < 200) await CheckInclusionAsync(dataSource, hasher, proof, root, ct);
            }
            var consistency = new List<double>();
            for (var i = 0; i < proofs; i++)
            {
                var from = 1 + random.NextInt64(size - 1);
                var clock = Stopwatch.StartNew();
                var proof = await log.ConsistencyProofAsync(from, size, ct);
                consistency.Add(clock.Elapsed.TotalMilliseconds);
                if (i < 20 && !MerkleTree.VerifyConsistency(hasher, from, size, await log.RootAsync(from, ct), root, proof.Path))
                    throw new InvalidOperationException($"consistency proof ({from}, {size}) does not verify");
            }
            var point = new List<double>();
            for (var i = 0; i < proofs; i++)
            {
                var position = 1 + random.NextInt64(size);
                var clock = Stopwatch.StartNew();
                await using var command = dataSource.CreateCommand("select hash from ledger.events where position = $1");
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
                await command.ExecuteScalarAsync(ct);
                point.Add(clock.Elapsed.TotalMilliseconds);
            }
            string Latency(List<double> ms) => $"p50 {Percentile(ms, 0.50):F2} ms, p99 {Percentile(ms, 0.99):F2} ms";
            rows.Add([$"inclusion proof at {size:N0} leaves", Latency(inclusion), Latency(point) + " (point select)",
                $"{Percentile(point, 0.99) / Percentile(inclusion, 0.99):0.00}", Met(Percentile(inclusion, 0.99) <= ProofTargetMs, $"p99 ≤ {ProofTargetMs} ms")]);
            rows.Add([$"consistency proof to {size:N0} leaves", Latency(consistency), Latency(point) + " (point select)",
                $"{Percentile(point, 0.99) / Percentile(consistency, 0.99):0.00}", Met(Percentile(consistency, 0.99) <= ProofTargetMs, $"p99 ≤ {ProofTargetMs} ms")]);

            var table = new Table().AddColumns("measure", "ledger", "baseline (same run)", "ratio", "target");
            foreach (var row in rows) table.AddRow(row);
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            if (!keep)
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = LedgerDatabase.CreateDataSource(connections.Owner);
                await using var drop = admin.CreateCommand($"drop database if exists {database} with (force)");
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>The target column, as Spectre markup.</summary>
    private static string Met(bool met, string target) => $"{Markup.Escape(target)}: " + (met ? "[green]met[/]" : "[red]NOT met[/]");

    private static string[] Row(string name, double rate, double raw, string unit, string target, bool met) =>
        [name, $"{rate:N0} {unit}", $"{raw:N0} {unit} (read the same rows)", $"{rate / raw:0.00}", Met(met, target)];

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static async Task<long> CountAsync(NpgsqlDataSource source, string sql, CancellationToken ct)
    {
        await using var command = source.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Integrates everything pending; the baseline reads the same rows in the same order and does nothing with them.</summary>
    private static async Task<(double Rate, double Raw)> MeasureIntegrationAsync(MerkleLog log, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var start = (await log.GetStateAsync(ct))!.Integrated;
        var rawClock = Stopwatch.StartNew();
        long rawRows = 0;
        await using (var command = dataSource.CreateCommand(MerkleLog.PendingEventsSql))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = start.TransactionId.ToString(CultureInfo.InvariantCulture) });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = start.Position });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) { reader.GetInt64(0); reader.GetString(1); reader.GetInt64(2); reader.GetFieldValue<byte[]>(3); rawRows++; }
        }
        var raw = rawRows / rawClock.Elapsed.TotalSeconds;
        var clock = Stopwatch.StartNew();
        var result = await log.IntegrateAsync(progress: new Progress<long>(n => { if (n % 1_000_000 == 0) LedgerCli.Info($"  integrated {n:N0}"); }), waitForCommitted: MerkleLog.CheckpointWait, ct: ct);
        var rate = result.LeavesAdded / clock.Elapsed.TotalSeconds;
        LedgerCli.Info($"  integrated {result.LeavesAdded:N0} leaves in {clock.Elapsed.TotalSeconds:F1} s");
        return (rate, raw);
    }

    /// <summary>What verification reads, read without checking anything: the join of leaves and events in log order.</summary>
    private static async Task<double> RawVerifyReadAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var command = dataSource.CreateCommand(LedgerVerifier.LogOrderSql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) LedgerEventStore.ReadRecordedEvent(reader, 4);
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task CheckInclusionAsync(NpgsqlDataSource dataSource, TreeHasher hasher, InclusionProof proof, byte[] root, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select l.position, l.stream_id, l.version, e.hash from ledger.merkle_leaves l join ledger.events e using (position) where l.leaf_index = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = proof.LeafIndex });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var leaf = MerkleLog.LeafHash(hasher, reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), (byte[])reader[3]);
        if (!MerkleTree.VerifyInclusion(hasher, proof.LeafIndex, proof.TreeSize, leaf, proof.Path, root))
            throw new InvalidOperationException($"inclusion proof of leaf {proof.LeafIndex} does not verify");
    }

    /// <summary>A synthetic event of the log benchmark.</summary>
    internal sealed record BenchRecorded(long N, long FineFen);

    internal static readonly EventTypes BenchEventTypes = new([new(typeof(BenchRecorded), "bench_recorded.v1")]);

    /// <summary>Events [from, to): stream bench-N holds events 10N … 10N+9, imported through the store's bulk import
    /// (Marten, every row chained by ledger.record_event) at instants a millisecond apart from 2016, through the
    /// simulation's loader (<see cref="BulkLoader.LoadAsync"/>: many transactions, so commit order has many).</summary>
    internal static async Task LoadAsync(NpgsqlDataSource owner, long from, long to, CancellationToken ct)
    {
        if (from % EventsPerStream != 0) throw new InvalidOperationException("loads start at a stream boundary");
        await using var store = new LedgerEventStore(owner, BenchEventTypes, CaseEventSerializer.Options);
        var clock = Stopwatch.StartNew();
        var baseTime = Instant.FromUtc(2016, 1, 1, 0, 0);
        var metadata = new EventMetadata("bench", DeterministicId.From("bench-log"), Source: "bench").ToJson();
        for (var batchStart = from; batchStart < to; batchStart += LoadBatch)
        {
            var batchEnd = Math.Min(to, batchStart + LoadBatch);
            var requests = new List<AppendRequest>((int)(batchEnd - batchStart));
            for (var i = batchStart; i < batchEnd; i++)
            {
                var version = i % EventsPerStream;
                requests.Add(new AppendRequest($"bench-{i / EventsPerStream:D8}", "bench",
                    version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version),
                    [new NewEvent(DeterministicId.From($"bench-log/{i}"), new BenchRecorded(i, i % 1000 * 100))], metadata,
                    RecordedInSource: baseTime + Duration.FromMilliseconds(i)));
            }
            await BulkLoader.LoadAsync(store, requests, ct);
            if ((batchEnd - from) % 1_000_000 == 0 || batchEnd == to)
                LedgerCli.Info($"  loaded {batchEnd:N0} events ({(batchEnd - from) / clock.Elapsed.TotalSeconds:N0}/s)");
        }
        await using (var analyze = owner.CreateCommand("analyze ledger.mt_events")) await analyze.ExecuteNonQueryAsync(ct);
    }
}
