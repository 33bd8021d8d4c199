using System.CommandLine;
using System.Globalization;
using Ledger.Application;
using Ledger.Application.Cases;
using Ledger.Domain;
using Ledger.Domain.Calendar;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using NodaTime;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>What auditors use: a case's history, the case as of a version or instant, and the change between two versions.</summary>
public static class CaseCliCommands
{
    private static readonly DateTimeZone China = DecisionContext.Zone;

    public static Command Create()
    {
        var command = new Command("case", "Auditors: replay a case's history, show it as of a version or instant, compare two versions");
        command.Subcommands.Add(History());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Diff());
        command.Subcommands.Add(List());
        command.Subcommands.Add(IntegrityCommands.Export());
        return command;
    }

    private static Command List()
    {
        var region = new Option<string?>("--region") { Description = "Cases of this province, city or county (GB/T 2260 code)" };
        var status = new Option<string?>("--status") { Description = "lead, not_filed, lead_transferred, investigating, suspended, decided or closed" };
        var kind = new Option<string?>("--kind") { Description = "trademark, patent, or case kinds (comma-separated)" };
        var flag = new Option<string?>("--flag") { Description = "Only cases with this flag" };
        var campaign = new Option<string?>("--campaign") { Description = "Only cases of this campaign" };
        var overdue = new Option<bool>("--overdue") { Description = "Only cases with a deadline passed and not met" };
        var filedFrom = new Option<string?>("--filed-from") { Description = "Filed on or after (yyyy-MM-dd)" };
        var filedTo = new Option<string?>("--filed-to") { Description = "Filed on or before (yyyy-MM-dd)" };
        var limit = new Option<int>("--limit") { Description = "At most this many cases (1–1000)", DefaultValueFactory = _ => 50 };
        var offset = new Option<int>("--offset") { Description = "Skip this many cases" };
        var format = TotalsCommands.FormatOption();
        var command = new Command("list", "Cases from the case view, newest filing first, with filters")
        {
            region, status, kind, flag, campaign, overdue, filedFrom, filedTo, limit, offset, format,
        };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var output = TotalsCommands.Format(parse.GetValue(format));
            var query = TotalsCommands.Arguments(() => CaseListQuery.Parse(parse.GetValue(region), parse.GetValue(status), parse.GetValue(kind),
                parse.GetValue(flag), parse.GetValue(campaign), parse.GetValue(overdue), parse.GetValue(filedFrom), parse.GetValue(filedTo),
                parse.GetValue(limit), parse.GetValue(offset)));
            await using var dataSource = await TotalsCommands.OpenAsync(parse, ct);
            var today = SystemClock.Instance.GetCurrentInstant().InZone(China).Date;
            var (items, total) = await CaseList.QueryAsync(dataSource, query, today, ct);
            switch (output)
            {
                case "json":
                    Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { total, offset = query.Offset, cases = items.Select(Row) },
                        new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                    break;
                case "csv":
                    var columns = Row(items.FirstOrDefault() ?? Empty).Keys;
                    Console.Out.Write(string.Join(',', columns) + "\r\n");
                    foreach (var item in items)
                        Console.Out.Write(string.Join(',', Row(item).Values.Select(v => Ledger.Application.Totals.TotalsReportFormats.Quote(v switch
                        {
                            null => "",
                            bool b => b ? "true" : "false",
                            _ => Convert.ToString(v, CultureInfo.InvariantCulture)!,
                        }))) + "\r\n");
                    break;
                default:
                    var table = new Table().AddColumns("case", "v", "status", "kind", "region", "party", "filed", "decided", "closed", "罚没 (yuan)", "next due");
                    foreach (var i in items)
                        table.AddRow(Markup.Escape(i.CaseId), i.Version.ToString(CultureInfo.InvariantCulture), i.Status, i.Kind, i.Region, Markup.Escape(i.PartyName ?? ""),
                            Date(i.FiledOn), Date(i.DecidedOn), Date(i.ClosedOn), (i.Fines + i.Confiscations).ToString(),
                            i.NextDueOn is { } due ? $"{(i.Overdue ? "[red]overdue[/] " : "")}{Markup.Escape(i.NextDueName ?? "")} {due:yyyy-MM-dd}" : "");
                    AnsiConsole.Write(table);
                    AnsiConsole.MarkupLine($"{items.Count} of {total} matching cases (offset {query.Offset})");
                    break;
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static readonly CaseListItem Empty = new("", 0, "", "", "", null, null, null, null, Money.Zero, Money.Zero, Money.Zero, null, null, false);

    private static Dictionary<string, object?> Row(CaseListItem i) => new()
    {
        ["case_id"] = i.CaseId, ["version"] = i.Version, ["status"] = i.Status, ["kind"] = i.Kind, ["region"] = i.Region, ["party_name"] = i.PartyName,
        ["filed_on"] = Iso(i.FiledOn), ["decided_on"] = Iso(i.DecidedOn), ["closed_on"] = Iso(i.ClosedOn),
        ["case_value"] = i.CaseValue.ToString(), ["fines"] = i.Fines.ToString(), ["confiscations"] = i.Confiscations.ToString(),
        ["next_due_name"] = i.NextDueName, ["next_due_on"] = Iso(i.NextDueOn), ["overdue"] = i.Overdue,
    };

    private static string? Iso(LocalDate? date) => date?.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
    private static string Date(LocalDate? date) => Iso(date) ?? "";

    private static Argument<string> CaseIdArgument() => new("id") { Description = "The case id, e.g. 140824-2025-012" };

    private static Command History()
    {
        var id = CaseIdArgument();
        var command = new Command("history", "Every event of a case: position, version, type, when recorded, by whom, effective date, summary") { id };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var (store, dispose) = await OpenAsync(parse, ct);
            await using var _ = dispose;
            WriteHistory(await LoadExistingAsync(store, parse.GetValue(id)!, null, null, ct));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The history table: one row per event.</summary>
    public static void WriteHistory(CaseHistory history)
    {
        var table = new Table().AddColumns("position", "version", "type", "recorded (Asia/Shanghai)", "actor", "effective", "summary");
        var voidedBy = history.VoidedBy();
        foreach (var entry in history.Entries)
            table.AddRow(entry.Recorded.Position.ToString(CultureInfo.InvariantCulture), entry.Recorded.Version.ToString(CultureInfo.InvariantCulture),
                entry.Recorded.Type, Local(entry.Recorded.RecordedAt), Markup.Escape(entry.Actor), entry.Event.On.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Markup.Escape(CaseDescriptions.Summarize(entry.Event)
                    + (voidedBy.TryGetValue(entry.Recorded.Version, out var by) ? $" [voided by step {by}]" : "")));
        AnsiConsole.Write(table);
    }

    private static Command Show()
    {
        var id = CaseIdArgument();
        var atVersion = new Option<long?>("--at-version") { Description = "Show the case as it stood after this version" };
        var asOf = new Option<string?>("--as-of") { Description = "Show the case as the ledger knew it at this instant (ISO 8601 with offset)" };
        var command = new Command("show", "A case's facts and deadlines, now, at a version, or as of an instant") { id, atVersion, asOf };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var version = parse.GetValue(atVersion);
            var instantText = parse.GetValue(asOf);
            if (version is not null && instantText is not null) throw new CliInputException("--at-version and --as-of: give one or the other");
            if (version is < 1) throw new CliInputException($"--at-version: a version is 1 or more (got {version})");
            Instant? instant = instantText is null ? null : InstantArgument.Parse(instantText, "--as-of");
            var (store, dispose) = await OpenAsync(parse, ct);
            await using var _ = dispose;
            var caseId = parse.GetValue(id)!;
            var history = await LoadExistingAsync(store, caseId, version, instant, ct);
            if (history.Entries.Count == 0)
                throw new CliInputException($"--as-of: case {caseId} had no events recorded at {InstantArgument.Format(instant!.Value)}");
            if (version is { } v && history.State.Version < v)
                throw new CliInputException($"--at-version: case {caseId} is at version {history.State.Version}; there is no version {v}");
            var today = instant is { } i ? i.InZone(China).Date : SystemClock.Instance.GetCurrentInstant().InZone(China).Date;
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(caseId)}[/] {(version is not null ? $"at version {version}" : instant is not null ? $"as of {InstantArgument.Format(instant.Value)}" : "now")}; deadlines as of {today:yyyy-MM-dd}");
            var table = new Table().AddColumns("fact", "value");
            foreach (var (name, value) in CaseDescriptions.Facts(history.State, WorkingDayCalendar.China, today))
                table.AddRow(Markup.Escape(name), Markup.Escape(value));
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Diff()
    {
        var id = CaseIdArgument();
        var from = new Option<long>("--from") { Description = "The earlier version", Required = true };
        var to = new Option<long>("--to") { Description = "The later version", Required = true };
        var command = new Command("diff", "What changed in a case between two versions, and the events that changed it") { id, from, to };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var (v1, v2) = (parse.GetValue(from), parse.GetValue(to));
            if (v1 < 1) throw new CliInputException($"--from: a version is 1 or more (got {v1})");
            if (v2 <= v1) throw new CliInputException($"--to: must be after --from ({v1}); got {v2}");
            var (store, dispose) = await OpenAsync(parse, ct);
            await using var _ = dispose;
            var caseId = parse.GetValue(id)!;
            var later = await LoadExistingAsync(store, caseId, v2, null, ct);
            if (later.State.Version < v2) throw new CliInputException($"--to: case {caseId} is at version {later.State.Version}; there is no version {v2}");
            var earlier = CaseModel.Replay(later.Entries.Where(e => e.Recorded.Version <= v1).Select(e => e.Event));
            var today = SystemClock.Instance.GetCurrentInstant().InZone(China).Date;
            var before = CaseDescriptions.Facts(earlier, WorkingDayCalendar.China, today).ToDictionary(f => f.Name, f => f.Value);
            var after = CaseDescriptions.Facts(later.State, WorkingDayCalendar.China, today);
            var table = new Table().AddColumns("fact", $"version {v1}", $"version {v2}");
            foreach (var (name, value) in after.Where(f => before.GetValueOrDefault(f.Name, "") != f.Value))
                table.AddRow(Markup.Escape(name), Markup.Escape(before.GetValueOrDefault(name, "")), Markup.Escape(value));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine("[bold]Events between[/]");
            foreach (var entry in later.Entries.Where(e => e.Recorded.Version > v1))
                AnsiConsole.MarkupLine($"  v{entry.Recorded.Version} {entry.Recorded.Type} ({entry.Event.On:yyyy-MM-dd}, {Markup.Escape(entry.Actor)}): {Markup.Escape(CaseDescriptions.Summarize(entry.Event))}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<(LedgerEventStore Store, IAsyncDisposable Dispose)> OpenAsync(ParseResult parse, CancellationToken ct)
    {
        var connections = await Cli.ConnectAsync(parse, ct);
        await Cli.MigrateAsync(connections, quiet: true, ct);
        var dataSource = LedgerDatabase.CreateDataSource(connections.Application);
        return (LedgerEvents.Store(dataSource), dataSource);
    }

    private static async Task<CaseHistory> LoadExistingAsync(LedgerEventStore store, string caseId, long? toVersion, Instant? asOf, CancellationToken ct)
    {
        CaseIds.Validate(caseId);
        if (await store.GetStreamAsync(caseId, ct) is not { StreamType: CaseHistory.StreamType })
            throw new CliInputException($"id: no case '{caseId}' is recorded in this ledger");
        return await CaseHistory.LoadAsync(store, caseId, toVersion, asOf, ct);
    }

    private static string Local(Instant instant) => instant.InZone(China).ToString("uuuu-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
