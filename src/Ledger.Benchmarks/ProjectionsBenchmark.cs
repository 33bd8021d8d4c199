using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Application.Projections;
using Ledger.Cli;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Marten;
using Npgsql;
using Spectre.Console;
using MartenProjection = Marten.Events.Projections.IProjection;

namespace Ledger.Benchmarks;

/// <summary>
/// <c>ops/bench projections</c>: what each way of running an asynchronous projection costs by itself — the ledger's
/// commit-order runner (<see cref="ProjectionRunner"/>) and Marten's async daemon — each driving a projection that only
/// counts, over the same synthetic events, beside the baseline of reading those events in commit order and doing
/// nothing with them. Decides, with the gap test, which one runs the penalty totals (docs/decisions/0001).
/// </summary>
internal static class ProjectionsBenchmark
{
    private const string RunnerProjection = "bench_count";

    public static async Task<int> RunAsync(System.CommandLine.ParseResult parse, long events, CancellationToken ct)
    {
        if (events is < 1_000 or > 10_000_000) throw new CliInputException($"--events: between 1000 and 10000000 (got {events})");
        var connections = await LedgerCli.ConnectAsync(parse, ct);
        var database = $"ledger_bench_projections_{Environment.ProcessId}";
        var owner = await LedgerDatabase.EnsureDatabaseAsync(connections.Owner, database, ct);
        try
        {
            await using var ownerSource = LedgerDatabase.CreateDataSource(owner);
            await new Migrator(ownerSource, LedgerCli.MigrationsDirectory).ApplyAsync(null, ct);
            await using (var register = ownerSource.CreateCommand($"insert into ledger.projections (name) values ('{RunnerProjection}')"))
                await register.ExecuteNonQueryAsync(ct);
            AnsiConsole.MarkupLine($"[bold]bench projections[/] in database {database}: {events:N0} events ({Environment.ProcessorCount} cores)");
            await LogBenchmark.LoadAsync(ownerSource, 0, events, ct);
            await using (var vacuum = ownerSource.CreateCommand("vacuum analyze ledger.mt_events")) await vacuum.ExecuteNonQueryAsync(ct);

            await using var store = new LedgerEventStore(ownerSource, LogBenchmark.BenchEventTypes, CaseEventSerializer.Options);
            var results = new Dictionary<string, List<double>> { ["baseline"] = [], ["runner"] = [], ["daemon"] = [] };
            // Each side twice, in mirrored order, so a drift of the machine's speed falls on both.
            foreach (var side in new[] { "baseline", "runner", "daemon", "daemon", "runner", "baseline" })
            {
                var clock = Stopwatch.StartNew();
                var counted = side switch
                {
                    "baseline" => await ReadAllAsync(store, ct),
                    "runner" => await RunnerAsync(store, ct),
                    _ => await DaemonAsync(ownerSource, results["daemon"].Count, events, ct),
                };
                var seconds = clock.Elapsed.TotalSeconds;
                if (counted != events) throw new InvalidOperationException($"{side} counted {counted:N0} events of {events:N0}");
                results[side].Add(events / seconds);
                LedgerCli.Info($"  {side}: {events / seconds:N0} events/s");
            }

            var baseline = results["baseline"].Average();
            var table = new Table().AddColumns("side (counts every event)", "events/s (two runs)", "ratio to baseline");
            foreach (var (side, label) in new[] { ("baseline", "baseline: read in commit order, do nothing"), ("runner", "ledger's commit-order runner (ProjectionRunner.RebuildAsync)"), ("daemon", "Marten's async daemon (catch-up from the first event)") })
                table.AddRow(label, string.Join(", ", results[side].Select(r => r.ToString("N0"))), $"{results[side].Average() / baseline:0.00}");
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = LedgerDatabase.CreateDataSource(connections.Owner);
            await using var drop = admin.CreateCommand($"drop database if exists {database} with (force)");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task<long> ReadAllAsync(LedgerEventStore store, CancellationToken ct)
    {
        long count = 0;
        var checkpoint = GlobalCheckpoint.Start;
        while (true)
        {
            var page = await store.ReadAllAsync(checkpoint, 50_000, ct);
            if (page.Events.Count == 0) return count;
            count += page.Events.Count;
            checkpoint = page.Next;
        }
    }

    private static async Task<long> RunnerAsync(LedgerEventStore store, CancellationToken ct)
    {
        var counting = new CountingRunnerProjection();
        await new ProjectionRunner(store, counting).RebuildAsync(ct: ct);
        return counting.Count;
    }

    /// <summary>A fresh projection name per run, so each catches up from the first event.</summary>
    private static async Task<long> DaemonAsync(NpgsqlDataSource owner, int run, long events, CancellationToken ct)
    {
        var counting = new CountingMartenProjection();
        using var marten = Ledger.EventStore.Marten.MartenConfiguration.CreateStore(owner, LogBenchmark.BenchEventTypes, CaseEventSerializer.Options,
            o => o.Projections.Add(counting, ProjectionLifecycle.Async, $"bench_count_{run}"));
        using var daemon = await marten.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        try
        {
            var waited = Stopwatch.StartNew();
            while (Interlocked.Read(ref counting.Count) < events && waited.Elapsed < TimeSpan.FromMinutes(30)) await Task.Delay(10, ct);
            return Interlocked.Read(ref counting.Count);
        }
        finally
        {
            await daemon.StopAllAsync();
        }
    }

    private sealed class CountingRunnerProjection : Ledger.Application.Projections.IProjection
    {
        public long Count;
        public string Name => RunnerProjection;
        public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) { Count = 0; return Task.CompletedTask; }
        public Task CompleteRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => Task.CompletedTask;
        public Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            Count += events.Count;
            return Task.CompletedTask;
        }
        public void Committed() { }
        public void RolledBack() { }
    }

    private sealed class CountingMartenProjection : MartenProjection
    {
        public long Count;
        public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
        {
            Interlocked.Add(ref Count, events.Count);
            return Task.CompletedTask;
        }
    }
}
