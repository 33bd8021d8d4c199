using System.CommandLine;
using System.Diagnostics;
using Ledger.Application;
using Ledger.Application.Cases;
using Ledger.Application.Import;
using Ledger.Application.Nation;
using Ledger.Application.Typical;
using Ledger.EventStore;
using Ledger.Simulation.Reference;
using NodaTime;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>Importing real case actions from files, and loading the reference dataset.</summary>
public static class ImportCommands
{
    public static Command Import()
    {
        var file = new Argument<string>("file") { Description = "A .csv or .jsonl file, one action on one case per row (format: docs/cli.md, examples under tests/import-examples/)" };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Write the valid cases and list the refused ones (by default one refused row refuses the whole file)" };
        var source = new Option<string?>("--source") { Description = "The system of record the file comes from, stored with every event (default: the file name)" };
        var parallel = new Option<int>("--parallel") { Description = "Cases written at once", DefaultValueFactory = _ => 4 };
        var command = new Command("import", "Import case actions through command handling; re-importing the same file writes nothing new")
        {
            file, skipInvalid, source, parallel,
        };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            var cases = parse.GetValue(parallel);
            if (cases is < 1 or > 64) throw new CliInputException($"--parallel: {cases} is not 1 to 64 (cases written at once)");
            if (!File.Exists(path)) throw new CliInputException($"file: {path} does not exist");
            var watch = Stopwatch.StartNew();
            var (actions, problems) = await ImportFile.ReadAsync(path, ct);
            Cli.Info($"read {actions.Count:N0} actions on {actions.Select(a => a.CaseId).Distinct().Count():N0} cases from {Path.GetFileName(path)}");
            await using var ledger = await CliLedger.StartAsync(parse, ct);
            var importer = new CaseImporter(ledger.Get<LedgerEventStore>(), ledger.Get<CaseCommandHandler>(), ledger.Get<IClock>());
            var report = await importer.ImportAsync(actions, problems, parse.GetValue(source) ?? $"import:{Path.GetFileName(path)}",
                new ImportOptions(parse.GetValue(skipInvalid), cases, ProgressLine()), ct);
            return Report(report, watch.Elapsed);
        }));
        return command;
    }

    /// <summary>Progress on standard error, at most once a second, so long imports show they are moving.</summary>
    public static IProgress<ImportProgress> ProgressLine()
    {
        var last = Stopwatch.StartNew();
        var gate = new object();
        return new SynchronousProgress<ImportProgress>(p =>
        {
            lock (gate)
            {
                if (last.ElapsedMilliseconds < 1_000 && p.CasesDone != p.CasesTotal) return;
                last.Restart();
                Console.Error.WriteLine(p.Phase == "checked"
                    ? $"  checked {p.CasesDone:N0} of {p.CasesTotal:N0} cases"
                    : $"  written {p.CasesDone:N0} of {p.CasesTotal:N0} cases ({p.ActionsWritten:N0} actions)");
            }
        });
    }

    private static int Report(ImportReport report, TimeSpan elapsed)
    {
        foreach (var problem in report.Problems) Console.Error.WriteLine($"refused: {problem}");
        if (report.Refused)
        {
            Console.Error.WriteLine($"error: {report.Problems.Count} row(s) refused; the import was refused as a whole and nothing was written. " +
                                    "Fix the rows, or pass --skip-invalid to write the valid cases.");
            return ExitCodes.BadInput;
        }
        AnsiConsole.MarkupLine($"imported {report.ActionsWritten:N0} actions on {report.CasesWritten:N0} cases in {elapsed.TotalSeconds:0.0} s " +
                               $"({report.ActionsWritten / Math.Max(0.001, elapsed.TotalSeconds):N0} actions/s); {report.ActionsAlreadyRecorded:N0} were already recorded");
        if (report.RefusedCases.Count > 0)
            AnsiConsole.MarkupLine($"[yellow]{report.RefusedCases.Count} case(s) refused and left out:[/] {Markup.Escape(string.Join(", ", report.RefusedCases))}");
        return ExitCodes.Ok;
    }

    public static Command Reference()
    {
        var seed = new Option<int>("--seed") { Description = "Generate with another seed (the figures stay the same)", DefaultValueFactory = _ => ReferenceDataset.DefaultSeed };
        var province = new Option<string?>("--province")
        {
            Description = "Only one province's part (150000 Inner Mongolia: seed 003; 140000 Shanxi: seeds 000 and 002), for a province's own ledger feeding a national one",
        };
        var load = new Command("load", "Load the reference dataset (once: loading again writes nothing) and print the reproduced figures beside the published ones") { seed, province };
        load.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            await using var ledger = await CliLedger.StartAsync(parse, ct);
            var loader = new ReferenceLoader(ledger.Get<LedgerEventStore>(), ledger.Get<IClock>(), ledger.Get<CaseCommandHandler>(), ledger.Get<TypicalCaseSelections>());
            var dataset = ReferenceDataset.Generate(parse.GetValue(seed));
            if (parse.GetValue(province) is { } code) dataset = dataset.Of(TotalsCommands.Arguments(() => NationalFeed.Province(code)));
            var watch = Stopwatch.StartNew();
            Cli.Info($"reference dataset: {dataset.Actions.Count:N0} actions on {dataset.Actions.Select(a => a.CaseId).Distinct().Count():N0} cases");
            var report = await loader.LoadAsync(dataset, ProgressLine(), ct);
            AnsiConsole.MarkupLine(report.ActionsWritten == 0
                ? $"reference dataset already loaded ({report.ActionsAlreadyRecorded:N0} actions on record; nothing written)"
                : $"loaded {report.ActionsWritten:N0} actions on {report.CasesWritten:N0} cases through command handling in {watch.Elapsed.TotalSeconds:0.0} s");
            foreach (var view in await loader.LoadTypicalListsAsync(dataset, ct))
            {
                var state = view.State;
                AnsiConsole.MarkupLine(Markup.Escape($"typical cases of {view.Id}: {state.Published!.Entries.Count} cases, " +
                    string.Join("; ", state.Editions.Select(e => $"edition {e.Edition} published {e.On:yyyy-MM-dd} (html sha256 {e.Documents[0].Sha256[..16]}…)")) +
                    (state.Withdrawals.Count > 0 ? $"; withdrawn: {string.Join(", ", state.Withdrawals.Select(w => $"{w.CaseId} on {w.On:yyyy-MM-dd}"))}" : "")));
            }
            return await PrintFiguresAsync(loader, dataset, ct);
        }));
        var figures = new Command("figures", "Print the published figures beside what the ledger reproduces (as published, and now)") { seed, province };
        figures.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var dataset = ReferenceDataset.Generate(parse.GetValue(seed));
            if (parse.GetValue(province) is { } code) dataset = dataset.Of(TotalsCommands.Arguments(() => NationalFeed.Province(code)));
            await using var dataSource = await TotalsCommands.OpenAsync(parse, ct);
            return await PrintFiguresAsync(new ReferenceLoader(LedgerEvents.Store(dataSource), SystemClock.Instance), dataset, ct);
        }));
        return new Command("reference", "The reference dataset that reproduces the published figures of seeds 000, 002 and 003") { load, figures };
    }

    private static async Task<int> PrintFiguresAsync(ReferenceLoader loader, ReferenceDataset dataset, CancellationToken ct)
    {
        var reproduced = await loader.ReproduceAsync(dataset, ct);
        var table = new Table().Title("Published figures and the ledger's answers (caliber: closed; amounts in yuan)")
            .AddColumn("seed").AddColumn("figure").AddColumn("as of").AddColumn("")
            .AddColumn(new TableColumn("published").RightAligned()).AddColumn(new TableColumn("ledger, as of").RightAligned())
            .AddColumn(new TableColumn("ledger, now").RightAligned());
        foreach (var r in reproduced)
        {
            var now = r.Figure.Compare(r.Current);
            var rows = r.Figure.Compare(r.AsPublished);
            for (var i = 0; i < rows.Count; i++)
            {
                var (what, published, actual, matches) = rows[i];
                table.AddRow(i == 0 ? r.Figure.Seed : "", i == 0 ? Markup.Escape(r.Figure.Label) : "",
                    i == 0 ? r.Figure.AsOf.InZone(Ledger.Domain.DecisionContext.Zone).ToString("yyyy-MM-dd HH:mm", null) : "", what,
                    Markup.Escape(published), (matches ? "[green]" : "[red]") + Markup.Escape(actual) + "[/]", Markup.Escape(now[i].Reproduced));
            }
        }
        AnsiConsole.Write(table);
        foreach (var correction in dataset.Corrections)
            AnsiConsole.MarkupLine(Markup.Escape($"correction after publication: case {correction.CaseId}, {correction.What} " +
                                                 $"(recorded {correction.RecordedAt.InZone(Ledger.Domain.DecisionContext.Zone):yyyy-MM-dd HH:mm})"));
        foreach (var (caseId, what) in dataset.NamedCases)
            AnsiConsole.MarkupLine(Markup.Escape($"recorded in full: {caseId}  {what}"));
        var failed = reproduced.Where(r => !r.Reproduced).ToList();
        if (failed.Count > 0)
        {
            Console.Error.WriteLine($"error: {failed.Count} figure(s) not reproduced: {string.Join(", ", failed.Select(f => f.Figure.Label))}");
            return ExitCodes.Failure;
        }
        AnsiConsole.MarkupLine($"[green]all {reproduced.Count} published figures reproduced as of their publication[/]; " +
                               "the current figures differ only by the corrections listed");
        return ExitCodes.Ok;
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
