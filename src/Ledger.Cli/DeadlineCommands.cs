using System.CommandLine;
using System.Globalization;
using Ledger.Application.Deadlines;
using Ledger.Application.Totals;
using Ledger.Domain;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary><c>ledger deadlines</c>: the statutory deadlines the ledger reminds of, and the overdue notices its reminders recorded.</summary>
public static class DeadlineCommands
{
    public static Command Create()
    {
        var region = new Option<string?>("--region") { Description = "Deadlines of cases of this province, city or county (GB/T 2260 code)" };
        var overdue = new Option<bool>("--overdue") { Description = "Only deadlines with a deadline_overdue notice" };
        var limit = new Option<int>("--limit") { Description = $"At most this many (1–{DeadlineNotices.MaxLimit})", DefaultValueFactory = _ => 200 };
        var format = new Option<string?>("--format") { Description = "table, csv or json" };
        var command = new Command("deadlines", "Each case's deadlines as last reminded of, earliest due first: when the reminder fires, what it found, the overdue notice")
        {
            region, overdue, limit, format,
        };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var output = TotalsCommands.Format(parse.GetValue(format));
            var (scope, most) = CliOutput.RegionAndLimit(parse, region, limit, DeadlineNotices.MaxLimit);
            await using var dataSource = await TotalsCommands.OpenAsync(parse, ct);
            var entries = await new DeadlineNotices(dataSource).ListAsync(scope, parse.GetValue(overdue), most, ct);
            CliOutput.Write(output, "deadlines", Row(null).Keys, entries.Select(e => Row(e)), () =>
            {
                var table = new Table().AddColumns("case", "region", "deadline", "due", "reminder", "found", "rule");
                foreach (var e in entries)
                    table.AddRow(Markup.Escape(e.CaseId), e.Region ?? "", Markup.Escape(e.Deadline), Iso(e.DueOn),
                        e.FiredAt is { } fired ? $"fired {TotalsReportFormats.ChinaTime(fired)}" : $"fires {TotalsReportFormats.ChinaTime(e.FiresAt)}",
                        e.Overdue ? "[red]overdue[/]" : Markup.Escape(e.Finding ?? ""), Markup.Escape(e.Rule));
                AnsiConsole.Write(table);
                AnsiConsole.MarkupLine($"{entries.Count} deadlines{(parse.GetValue(overdue) ? " with an overdue notice" : "")}");
            });
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Iso(NodaTime.LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> Row(DeadlineEntry? e) => new()
    {
        ["case_id"] = e?.CaseId, ["region"] = e?.Region, ["deadline"] = e?.Deadline, ["due_on"] = e is null ? null : Iso(e.DueOn), ["rule"] = e?.Rule,
        ["reminder_fires_at"] = e is null ? null : TotalsReportFormats.ChinaTime(e.FiresAt),
        ["reminder_fired_at"] = e?.FiredAt is { } fired ? TotalsReportFormats.ChinaTime(fired) : null,
        ["finding"] = e?.Finding, ["overdue"] = e?.Overdue, ["noticed_at"] = e?.NoticedAt is { } noticed ? TotalsReportFormats.ChinaTime(noticed) : null,
    };
}
