using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Application;
using Ledger.Application.Cases;
using Ledger.Application.Import;
using Ledger.Cli;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Ledger.Simulation;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using Spectre.Console;

namespace Ledger.Benchmarks;

/// <summary>
/// <c>ops/bench import</c>: a JSON Lines file of simulated case actions (valid histories through Decide, with the
/// instants they were recorded) imported into a throwaway database — reading, checking and writing, all timed —
/// beside the baseline of the same command handling one action per call and per transaction (what a client posting
/// actions one by one gets), measured in the same run on other cases of the same kind. Then the file is imported
/// again, which must write nothing.
/// </summary>
internal static class ImportBenchmark
{
    public static async Task<int> RunAsync(System.CommandLine.ParseResult parse, int actionCount, int baselineActions, int parallel, CancellationToken ct)
    {
        if (actionCount is < 1_000 or > 10_000_000) throw new CliInputException($"--actions: between 1000 and 10000000 (got {actionCount})");
        if (baselineActions < 100 || baselineActions > actionCount) throw new CliInputException($"--baseline-actions: between 100 and --actions (got {baselineActions})");
        var connections = await LedgerCli.ConnectAsync(parse, ct);
        var database = $"ledger_bench_import_{Environment.ProcessId}";
        var owner = await LedgerDatabase.EnsureDatabaseAsync(connections.Owner, database, ct);
        var file = Path.Combine(Path.GetTempPath(), $"ledger-bench-import-{Environment.ProcessId}.jsonl");
        try
        {
            await using (var ownerSource = LedgerDatabase.CreateDataSource(owner))
                await new Migrator(ownerSource, LedgerCli.MigrationsDirectory).ApplyAsync(null, ct);
            var application = connections.Embedded ? LedgerDatabase.WithUser(owner, LedgerDatabase.ApplicationRole) : owner;
            // Composed as `ledger import` is: the handler plans deadline reminders in each case's transaction.
            await using var ledger = await CliLedger.StartAsync(application, ct);
            var store = ledger.Get<LedgerEventStore>();
            var handler = ledger.Get<CaseCommandHandler>();
            AnsiConsole.MarkupLine($"[bold]bench import[/] in database {database} ({Environment.ProcessorCount} cores, durable commits, {parallel} cases at once)");

            var simulator = new CaseSimulator(new Random(17), new LocalDate(2025, 12, 31));
            var written = await WriteFileAsync(file, simulator, actionCount, "bench", ct);
            AnsiConsole.MarkupLine($"file: {written.Actions:N0} actions on {written.Cases:N0} cases, {new FileInfo(file).Length / 1_048_576.0:0.0} MiB");

            var watch = Stopwatch.StartNew();
            var (actions, problems) = await ImportFile.ReadAsync(file, ct);
            var importer = new CaseImporter(store, handler, SystemClock.Instance);
            var report = await importer.ImportAsync(actions, problems, "bench", new ImportOptions(Parallelism: parallel, Progress: ImportCommands.ProgressLine()), ct);
            var importSeconds = watch.Elapsed.TotalSeconds;
            if (report.Problems.Count > 0 || report.ActionsWritten != written.Actions)
                throw new InvalidOperationException($"the benchmark file was not imported whole: {report.ActionsWritten} of {written.Actions} written; {string.Join("; ", report.Problems.Take(3))}");

            await using (var reminders = store.DataSource.CreateCommand("select count(*) from ledger.deadline_reminders"))
                AnsiConsole.MarkupLine($"deadline reminders planned with the import: {(long)(await reminders.ExecuteScalarAsync(ct))!:N0}");

            watch.Restart();
            var again = await importer.ImportAsync((await ImportFile.ReadAsync(file, ct)).Actions, [], "bench", new ImportOptions(Parallelism: parallel), ct);
            var againSeconds = watch.Elapsed.TotalSeconds;
            if (again.ActionsWritten != 0) throw new InvalidOperationException($"re-importing wrote {again.ActionsWritten} actions");

            // The baseline: other simulated cases, each action handled on its own (decide, append, case view, commit).
            var baseline = new List<(string CaseId, SimulatedStep Step)>();
            for (var i = 0; baseline.Count < baselineActions; i++)
            {
                var simulated = simulator.Simulate($"140824-baseline-{i:D7}", RegionCode.Parse("140824"), new LocalDate(2019, 1, 1).PlusDays(i % 2_000));
                baseline.AddRange(simulated.Steps.Select(s => (simulated.CaseId, s)));
            }
            watch.Restart();
            var perCase = baseline.GroupBy(b => b.CaseId).ToList();
            await Parallel.ForEachAsync(perCase, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (steps, token) =>
            {
                var n = 0;
                foreach (var (caseId, step) in steps)
                    await handler.HandleAsync(new CommandEnvelope(caseId, "bench", $"baseline-{++n}"), step.Command, token);
            });
            var baselineSeconds = watch.Elapsed.TotalSeconds;
            await using (var reminders = store.DataSource.CreateCommand("select count(*) from ledger.deadline_reminders"))
                AnsiConsole.MarkupLine($"deadline reminders planned by the baseline's commands: {(long)(await reminders.ExecuteScalarAsync(ct))!:N0}");

            var importRate = written.Actions / importSeconds;
            var baselineRate = baseline.Count / baselineSeconds;
            var table = new Table().AddColumn("").AddColumn(new TableColumn("actions").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned())
                .AddColumn(new TableColumn("actions/s").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned());
            table.AddRow("ledger import (read, check, write)", $"{written.Actions:N0}", $"{importSeconds:0.0}", $"{importRate:N0}", $"{importRate / baselineRate:0.00}");
            table.AddRow("re-import of the same file (writes nothing)", $"{written.Actions:N0}", $"{againSeconds:0.0}", $"{written.Actions / againSeconds:N0}", "");
            table.AddRow("baseline: one action per command call", $"{baseline.Count:N0}", $"{baselineSeconds:0.0}", $"{baselineRate:N0}", "1.00");
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }
        finally
        {
            File.Delete(file);
            NpgsqlConnection.ClearAllPools();
            await using var admin = LedgerDatabase.CreateDataSource(connections.Owner);
            await using var drop = admin.CreateCommand($"drop database if exists {database} with (force)");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Writes simulated cases as import rows until <paramref name="actionCount"/> actions are in the file.</summary>
    private static async Task<(int Actions, int Cases)> WriteFileAsync(string path, CaseSimulator simulator, int actionCount, string actor, CancellationToken ct)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        var (actions, cases) = (0, 0);
        string[] regions = ["140824", "140823", "140800", "140100", "140105", "150000", "150203", "410700"];
        while (actions < actionCount)
        {
            // A case's number begins with its region's code (CaseIds.RequireRegionPrefix).
            var region = regions[cases % regions.Length];
            var simulated = simulator.Simulate($"{region}-bench-{cases:D7}", RegionCode.Parse(region), new LocalDate(2019, 1, 1).PlusDays(cases % 2_200));
            cases++;
            foreach (var step in simulated.Steps.Take(actionCount - actions))
            {
                var fields = CaseCommandSerializer.ToFields(step.Command);
                fields.Remove("on");
                var row = new JsonObject
                {
                    ["case_id"] = simulated.CaseId,
                    ["action"] = step.Command.Name,
                    ["on"] = LocalDatePattern.Iso.Format(step.Command.On),
                    ["actor"] = actor,
                    ["recorded_at"] = InstantPattern.ExtendedIso.Format(step.RecordedAt),
                    ["fields"] = fields,
                };
                await writer.WriteLineAsync(row.ToJsonString(CaseEventSerializer.Options).AsMemory(), ct);
                actions++;
            }
        }
        return (actions, cases);
    }
}
