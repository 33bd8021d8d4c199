using Ledger.Application;
using System.CommandLine;
using System.Globalization;
using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using NodaTime;
using Npgsql;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>What officials use: penalty totals by region, period, kind, campaign and flag; and the projections behind them.</summary>
public static class TotalsCommands
{
    public static Command Totals()
    {
        var question = new TotalsOptions();
        var format = FormatOption();
        var command = new Command("totals", "Officials: case counts, case value, fines and confiscations, transfers to police");
        question.AddTo(command);
        command.Options.Add(format);
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var output = Format(parse.GetValue(format));
            var query = question.Parse(parse);
            await using var dataSource = await OpenAsync(parse, ct);
            var store = LedgerEvents.Store(dataSource);
            // A one-shot process has no runner in the background: bring the projection up to date first.
            await CatchUpAsync(dataSource, new ProjectionRunner(store, new PenaltyTotalsProjection(store)), quiet: output != "table", ct);
            var report = await new TotalsReader(dataSource, SystemClock.Instance).QueryAsync(query, ct);
            Write(report, output);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The question of <c>ledger totals</c> (and <c>ledger nation totals</c>) as options.</summary>
    internal sealed class TotalsOptions
    {
        private readonly Option<string?> region = new("--region") { Description = "GB/T 2260 code: a province (150000), city (140800) or county (140824) and everything under it; omit for all regions" };
        private readonly Option<string> from = new("--from") { Description = "First day of the period (yyyy-MM-dd), inclusive", Required = true };
        private readonly Option<string> to = new("--to") { Description = "Last day of the period (yyyy-MM-dd), inclusive", Required = true };
        private readonly Option<string?> kind = new("--kind") { Description = "trademark, patent, or case kinds such as trademark_infringement (comma-separated)" };
        private readonly Option<string?> campaign = new("--campaign") { Description = "Only cases of this campaign, e.g. 铁拳2020" };
        private readonly Option<string?> flag = new("--flag") { Description = "Only cases with this flag, e.g. foreign-related" };
        private readonly Option<string?> by = new("--by") { Description = "Break down by kind, region, campaign, provision (the law each fine was imposed under), year, quarter or month" };
        private readonly Option<string?> caliber = new("--caliber") { Description = "Count cases by their filed, decided or closed date (default closed)" };
        private readonly Option<string?> asOf = new("--as-of") { Description = "The totals as the ledger knew them at this instant, e.g. 2021-02-01T00:00+08:00" };
        private readonly Option<string?> compare = new("--compare") { Description = "previous-period (环比) or previous-year (同比)" };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { region, from, to, kind, campaign, flag, by, caliber, asOf, compare }) command.Options.Add(option);
        }

        public TotalsQuery Parse(ParseResult parse) => Arguments(() => TotalsQuery.Parse(parse.GetValue(region), parse.GetValue(from), parse.GetValue(to),
            parse.GetValue(kind), parse.GetValue(campaign), parse.GetValue(flag), parse.GetValue(by), parse.GetValue(caliber), parse.GetValue(asOf),
            parse.GetValue(compare), SystemClock.Instance.GetCurrentInstant()));
    }

    /// <summary>Writes a report as a table, CSV or JSON; the table ends with the projection's place in the log unless
    /// <paramref name="projectionLine"/> is false (a national report's parts each have their own).</summary>
    internal static void Write(TotalsReport report, string output, bool projectionLine = true)
    {
        switch (output)
        {
            case "json": Console.Out.Write(TotalsReportFormats.Json(report)); Console.Out.WriteLine(); break;
            case "csv": Console.Out.Write(TotalsReportFormats.Csv(report)); break;
            default: WriteTable(report, projectionLine); break;
        }
    }

    internal static Option<string?> FormatOption() => new("--format") { Description = "table (万元, two decimals), csv or json (exact yuan)" };

    internal static string Format(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "table" => "table",
        "csv" => "csv",
        "json" => "json",
        _ => throw new CliInputException($"--format: '{text}' is not one of table, csv, json"),
    };

    /// <summary>Rule violations of CLI input are reported with the option's spelling (--as-of, not as_of).</summary>
    internal static T Arguments<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (DomainRuleViolation e)
        {
            throw new CliInputException($"--{e.Field.Replace('_', '-')}: {e.Rule}");
        }
    }

    /// <summary><see cref="Arguments{T}"/> for an asynchronous call.</summary>
    internal static async Task<T> ArgumentsAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DomainRuleViolation e)
        {
            throw new CliInputException($"--{e.Field.Replace('_', '-')}: {e.Rule}");
        }
    }

    private static void WriteTable(TotalsReport report, bool projectionLine)
    {
        var q = report.Query;
        var filters = string.Join(", ", new[]
        {
            q.Kinds is { } k ? "kind " + string.Join("+", k.Select(x => SnakeCase.Of(x))) : null,
            q.Campaign is { } c ? "campaign " + c : null,
            q.Flag is { } f ? "flag " + f : null,
        }.Where(x => x is not null));
        AnsiConsole.MarkupLine($"[bold]Penalty totals[/] · {Markup.Escape(TotalsQuery.RegionLabel(q.Region))} · {q.Period.Start:yyyy-MM-dd}..{q.Period.End:yyyy-MM-dd}" +
            (filters.Length > 0 ? $" · {Markup.Escape(filters)}" : ""));
        AnsiConsole.MarkupLine($"caliber [bold]{SnakeCase.Of(q.Caliber)}[/]: counted by {Markup.Escape(TotalsReportFormats.CaliberBasis(q.Caliber))} · " +
            (report.Current ? $"current, as of {TotalsReportFormats.ChinaTime(report.AsOf)}" : $"[bold]as of {TotalsReportFormats.ChinaTime(report.AsOf)}[/] (what the ledger knew then)"));
        AnsiConsole.Write(FiguresTable(q.By == TotalsGrouping.None ? "" : SnakeCase.Of(q.By), report.Lines, report.Total, l => l.Figures));
        if (report.ComparedPeriod is { } compared)
        {
            AnsiConsole.MarkupLine($"compared with {compared.Start:yyyy-MM-dd}..{compared.End:yyyy-MM-dd} ({(q.Compare == TotalsComparison.PreviousYear ? "同比, previous year" : "环比, previous period")}):");
            var table = new Table().AddColumns(q.By == TotalsGrouping.None ? "" : SnakeCase.Of(q.By), "cases then", "change", "罚没 then (万元)", "change", "案值 then (万元)", "change");
            foreach (var line in report.Lines.Append(report.Total))
            {
                var then = line.Compared ?? TotalsFigures.Zero;
                table.AddRow(Markup.Escape(line.Label), N(then.Cases), TotalsReportFormats.Change(line.Figures.Cases, then.Cases),
                    TotalsReportFormats.TenThousands(then.FinesAndConfiscations), TotalsReportFormats.Change(line.Figures.FinesAndConfiscations.Yuan, then.FinesAndConfiscations.Yuan),
                    TotalsReportFormats.TenThousands(then.CaseValue), TotalsReportFormats.Change(line.Figures.CaseValue.Yuan, then.CaseValue.Yuan));
            }
            for (var i = 1; i < 7; i++) table.Columns[i].RightAligned();
            AnsiConsole.Write(table);
        }
        if (q.By == TotalsGrouping.Campaign) AnsiConsole.MarkupLine("A case of two campaigns counts under both; the total counts it once.");
        if (q.By == TotalsGrouping.Provision) AnsiConsole.MarkupLine("Fines and confiscations split exactly by the provision each was imposed under; a case fined under two laws counts on both lines, and once in the total.");
        if (!projectionLine) return;
        var p = report.Projection;
        AnsiConsole.MarkupLine($"[grey]projection {p.Name} at {p.Checkpoint} ({p.EventsApplied:N0} events applied, {p.EventsBehind:N0} behind)[/]");
    }

    private static Table FiguresTable(string groupTitle, IReadOnlyList<TotalsLine> lines, TotalsLine total, Func<TotalsLine, TotalsFigures> figures)
    {
        var table = new Table().AddColumns(groupTitle, "cases 案件数", "案值 (万元)", "罚款 (万元)", "没收违法所得 (万元)", "罚没 (万元)", "移送公安");
        foreach (var line in lines.Append(total))
        {
            var f = figures(line);
            table.AddRow(line == total ? "[bold]total[/]" : Markup.Escape(line.Label), N(f.Cases), TotalsReportFormats.TenThousands(f.CaseValue),
                TotalsReportFormats.TenThousands(f.Fines), TotalsReportFormats.TenThousands(f.Confiscations),
                TotalsReportFormats.TenThousands(f.FinesAndConfiscations), N(f.TransferredToPolice));
        }
        for (var i = 1; i < 7; i++) table.Columns[i].RightAligned();
        return table;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static Command Projections()
    {
        var command = new Command("projections", "The read models built from the log: status, rebuild");
        var status = new Command("status", "Each projection's position in the log, events applied, and how many events it is behind");
        status.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            await using var dataSource = await OpenAsync(parse, ct);
            var table = new Table().AddColumns("projection", "position (xid:position)", "events applied", "last event recorded", "behind (events)", "updated", "rebuilt");
            foreach (var p in await ProjectionRunner.StatusAsync(dataSource, ct))
                table.AddRow(p.Name, p.Checkpoint.ToString(), N(p.EventsApplied), p.LastRecordedAt is { } l ? TotalsReportFormats.ChinaTime(l) : "—",
                    N(p.EventsBehind), TotalsReportFormats.ChinaTime(p.UpdatedAt), p.RebuiltAt is { } r ? TotalsReportFormats.ChinaTime(r) : "never");
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));
        var name = new Argument<string>("name") { Description = $"The projection to rebuild: {PenaltyTotalsProjection.ProjectionName}" };
        var rebuild = new Command("rebuild", "Rebuild a projection from the first event (one transaction: readers see the old figures until it commits)") { name };
        rebuild.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var projectionName = parse.GetValue(name)!;
            if (projectionName != PenaltyTotalsProjection.ProjectionName)
                throw new CliInputException($"name: there is no projection named '{projectionName}'; the projections are {PenaltyTotalsProjection.ProjectionName}");
            await using var dataSource = await OpenAsync(parse, ct);
            var store = LedgerEvents.Store(dataSource);
            var runner = new ProjectionRunner(store, new PenaltyTotalsProjection(store));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            long applied = 0;
            await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"rebuilding {projectionName}", maxValue: 1);
                    applied = await runner.RebuildAsync(p => { task.MaxValue = Math.Max(1, p.Total); task.Value = p.Applied; }, ct: ct);
                    task.Value = task.MaxValue;
                });
            AnsiConsole.MarkupLine($"rebuilt {projectionName} from {applied:N0} events in {watch.Elapsed.TotalSeconds:0.0} s ({applied / Math.Max(0.001, watch.Elapsed.TotalSeconds):N0} events/s)");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(status);
        command.Subcommands.Add(rebuild);
        return command;
    }

    /// <summary>Applies the events the projection has not seen yet, with a progress bar when there are many.</summary>
    internal static async Task CatchUpAsync(NpgsqlDataSource dataSource, ProjectionRunner runner, bool quiet, CancellationToken ct)
    {
        var behind = (await ProjectionRunner.StatusAsync(dataSource, runner.Projection.Name, ct)).EventsBehind;
        if (behind == 0) return;
        Cli.Info($"projection {runner.Projection.Name}: applying {behind:N0} new events");
        if (quiet || behind < 50_000)
        {
            await runner.CatchUpAsync(ct: ct);
            return;
        }
        await AnsiConsole.Progress().StartAsync(async context =>
        {
            var task = context.AddTask($"updating {runner.Projection.Name}", maxValue: behind);
            await runner.CatchUpAsync(p => task.Value = Math.Min(p.Applied, task.MaxValue), ct);
            task.Value = task.MaxValue;
        });
    }

    internal static async Task<NpgsqlDataSource> OpenAsync(ParseResult parse, CancellationToken ct)
    {
        var connections = await Cli.ConnectAsync(parse, ct);
        await Cli.MigrateAsync(connections, quiet: true, ct);
        return LedgerDatabase.CreateDataSource(connections.Application);
    }
}
