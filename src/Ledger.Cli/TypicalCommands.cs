using Ledger.Application;
using System.CommandLine;
using System.Globalization;
using Ledger.Application.Typical;
using Ledger.Domain;
using Ledger.Domain.Typical;
using Ledger.EventStore;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>
/// What publishers use: a region's annual typical cases (十大典型案例) — nominate closed cases, draft their text,
/// rank, have them approved by someone else, publish, and withdraw and correct when a decision changes.
/// </summary>
public static class TypicalCommands
{
    private static readonly Option<string> Region = new("--region") { Description = "The selection's region (GB/T 2260 code, e.g. 150000)", Required = true };
    private static readonly Option<string> Year = new("--year") { Description = "The year whose closed cases are selected", Required = true };
    private static readonly Option<string> By = new("--by") { Description = "Who acts (name or certificate number); recorded as the author, approver or publisher", Required = true };
    private static readonly Option<string?> Key = new("--key") { Description = "Idempotency key: the same key again returns the first outcome and writes nothing" };

    public static Command Create()
    {
        var command = new Command("typical", "Publishers: a region's annual typical cases (十大典型案例), from nomination to publication and correction");
        command.Subcommands.Add(Nominate());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(Draft());
        command.Subcommands.Add(Rank());
        command.Subcommands.Add(Approve());
        command.Subcommands.Add(Publish());
        command.Subcommands.Add(Withdraw());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command Nominate()
    {
        var cases = new Option<string[]>("--case") { Description = "A closed case of the region and year (repeat for several)", Required = true, AllowMultipleArgumentsPerToken = true };
        var naming = new Option<string?>("--naming") { Description = "How natural persons are named, fixed by the first nomination: masked (某某, the default) or surname (王**)" };
        var command = new Command("nominate", "Nominate closed cases (at most ten); the first nomination opens the selection") { Region, Year, cases, naming, By, Key };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var personNaming = parse.GetValue(naming)?.Trim().ToLowerInvariant() switch
            {
                null => (PersonNaming?)null,
                "masked" => PersonNaming.Masked,
                "surname" => PersonNaming.SurnameStars,
                var other => throw new CliInputException($"--naming: '{other}' is not masked or surname"),
            };
            var caseIds = parse.GetValue(cases)!;
            var key = parse.GetValue(Key);
            return await RunAsync(parse, ct, async (selections, id) =>
            {
                for (var i = 0; i < caseIds.Length; i++)
                    Report(await selections.HandleAsync(id, new SelectionCommand.NominateCase(caseIds[i], parse.GetValue(By)!, personNaming), parse.GetValue(By)!,
                        KeyFor(key, i), ct: ct), $"nominated {caseIds[i]}");
            });
        }));
        return command;
    }

    private static Command Remove()
    {
        var caseId = CaseOption();
        var reason = new Option<string>("--reason") { Description = "Why the case is taken out", Required = true };
        var command = new Command("remove", "Take a nominated case out before publication") { Region, Year, caseId, reason, By, Key };
        command.SetAction((parse, ct) => Cli.RunAsync(() => RunOneAsync(parse, ct,
            new SelectionCommand.RemoveNomination(parse.GetValue(caseId)!, parse.GetValue(reason)!, parse.GetValue(By)!), $"removed {parse.GetValue(caseId)}")));
        return command;
    }

    private static Command Draft()
    {
        var caseId = CaseOption();
        var title = new Option<string?>("--title") { Description = "The title (default: written from the case, e.g. \"稷山县市场监督管理局查处某某销售侵犯“N”注册商标专用权商品案\")" };
        var facts = new Option<string?>("--facts") { Description = "案情简介 (default: written from the case file, redacted)" };
        var outcome = new Option<string?>("--outcome") { Description = "处理结果 (default: written from the decision, redacted)" };
        var significance = new Option<string>("--significance") { Description = "典型意义: why the case is typical", Required = true };
        var command = new Command("draft", "Write a nominated case's text; what you write is refused if it would publish personal data")
        {
            Region, Year, caseId, title, facts, outcome, significance, By, Key,
        };
        command.SetAction((parse, ct) => Cli.RunAsync(() => RunOneAsync(parse, ct,
            new SelectionCommand.DraftCase(parse.GetValue(caseId)!, parse.GetValue(title), parse.GetValue(facts), parse.GetValue(outcome),
                parse.GetValue(significance)!, parse.GetValue(By)!), $"drafted {parse.GetValue(caseId)}")));
        return command;
    }

    private static Command Rank()
    {
        var order = new Option<string>("--order") { Description = "Every nominated case, comma-separated, first = 案例一", Required = true };
        var command = new Command("rank", "Put the nominated cases in their published order") { Region, Year, order, By, Key };
        command.SetAction((parse, ct) => Cli.RunAsync(() => RunOneAsync(parse, ct,
            new SelectionCommand.RankCases([.. parse.GetValue(order)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)], parse.GetValue(By)!),
            "ranked")));
        return command;
    }

    private static Command Approve()
    {
        var opinion = new Option<string>("--opinion") { Description = "The review opinion (审核意见)", Required = true };
        var fewer = new Option<string?>("--fewer-reason") { Description = "Why the list holds fewer than ten cases" };
        var on = OnOption("Date of approval");
        var command = new Command("approve", "Review and approve the selection as it stands (not by anyone who wrote it)") { Region, Year, opinion, fewer, on, By, Key };
        command.SetAction((parse, ct) => Cli.RunAsync(() => RunOneAsync(parse, ct,
            new SelectionCommand.ApproveSelection(Date(parse.GetValue(on), "--on"), parse.GetValue(By)!, parse.GetValue(opinion)!, parse.GetValue(fewer)), "approved")));
        return command;
    }

    private static Command Publish()
    {
        var on = OnOption("Date of publication");
        var output = new Option<string?>("--out") { Description = "Also write the edition's HTML, Markdown and JSON into this directory" };
        var command = new Command("publish", "Publish the approved selection as a new edition; the SHA-256 of each artefact is recorded") { Region, Year, on, output, By, Key };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var date = Date(parse.GetValue(on), "--on");
            return await RunAsync(parse, ct, async (selections, id) =>
            {
                Report(await selections.HandleAsync(id, new SelectionCommand.PublishSelection(date, parse.GetValue(By)!), parse.GetValue(By)!, KeyFor(parse.GetValue(Key), 0), ct: ct), "published");
                var (_, state) = await selections.LoadAsync(id, ct: ct);
                var edition = state.Published!;
                foreach (var document in edition.Documents)
                    AnsiConsole.MarkupLine(Markup.Escape($"  edition {edition.Edition} {document.Format,-8} sha256 {document.Sha256}  {document.Length:N0} bytes"));
                if (parse.GetValue(output) is { } directory) await WriteEditionAsync(selections, id, edition.Edition, directory, ct);
            });
        }));
        return command;
    }

    private static Command Withdraw()
    {
        var caseId = CaseOption();
        var reason = new Option<string>("--reason") { Description = "Why the published case is withdrawn (e.g. its decision was varied on reconsideration)", Required = true };
        var on = OnOption("Date of withdrawal");
        var command = new Command("withdraw", "Withdraw a published case whose decision changed; the next edition corrects the list") { Region, Year, caseId, reason, on, By, Key };
        command.SetAction((parse, ct) => Cli.RunAsync(() => RunOneAsync(parse, ct,
            new SelectionCommand.WithdrawPublishedCase(parse.GetValue(caseId)!, Date(parse.GetValue(on), "--on"), parse.GetValue(reason)!, parse.GetValue(By)!),
            $"withdrew {parse.GetValue(caseId)}")));
        return command;
    }

    private static Command Show()
    {
        var format = new Option<string?>("--format") { Description = "text (the default: the selection, its editions and any withdrawal due), html, markdown or json (an edition as published)" };
        var edition = new Option<int?>("--edition") { Description = "The edition to print (default: the latest)" };
        var preview = new Option<bool>("--preview") { Description = "Print the next edition as it would be published today, instead of a published one" };
        var command = new Command("show", "The selection: cases, ranks, approval, editions with their hashes checked, withdrawals due") { Region, Year, format, edition, preview };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var id = Arguments(() => SelectionId.Parse(parse.GetValue(Region), parse.GetValue(Year)));
            var what = parse.GetValue(format)?.Trim().ToLowerInvariant() ?? "text";
            if (what is not ("text" or "html" or "markdown" or "json")) throw new CliInputException($"--format: '{what}' is not text, html, markdown or json");
            await using var dataSource = await TotalsCommands.OpenAsync(parse, ct);
            var selections = new TypicalCaseSelections(LedgerEvents.Store(dataSource), SystemClock.Instance);
            if (parse.GetValue(preview))
            {
                var today = SystemClock.Instance.GetCurrentInstant().InZone(DecisionContext.Zone).Date;
                Console.Out.Write((await selections.PreviewAsync(id, today, ct)).Of(what == "text" ? "markdown" : what));
                return ExitCodes.Ok;
            }
            if (what != "text")
            {
                var artefact = await selections.ArtefactAsync(id, parse.GetValue(edition), what, ct);
                if (!artefact.MatchesStoredHash)
                {
                    Console.Error.WriteLine($"error: the stored {what} of edition {artefact.Edition} does not match the SHA-256 its publication event recorded ({artefact.RecordedSha256})");
                    return ExitCodes.Failure;
                }
                Console.Out.Write(artefact.Text);
                return ExitCodes.Ok;
            }
            return await PrintAsync(selections, id, ct);
        }));
        return command;
    }

    private static async Task<int> PrintAsync(TypicalCaseSelections selections, SelectionId id, CancellationToken ct)
    {
        var view = await selections.ViewAsync(id, ct: ct);
        var state = view.State;
        if (state.Region is null)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"no selection of {id} is open (ledger typical nominate starts one)"));
            return ExitCodes.Ok;
        }
        var status = state.Approval is { } approval
            ? $"edition {approval.Edition} approved by {approval.By} on {approval.On:yyyy-MM-dd}, awaiting publication"
            : state.UnchangedSincePublication ? $"edition {state.Editions.Count} published on {state.Published!.On:yyyy-MM-dd}"
            : $"edition {state.NextEdition} in preparation";
        AnsiConsole.MarkupLine(Markup.Escape($"typical cases of {id}: {status}; natural persons named {(state.Naming == PersonNaming.Masked ? "某某" : "surname + **")}; version {state.Version}"));
        var table = new Table().AddColumns("rank", "case", "region", "kind", "closed", "text", "title");
        for (var i = 0; i < state.Entries.Count; i++)
        {
            var entry = state.Entries[i];
            var current = view.Cases.TryGetValue(entry.CaseId, out var file) ? file.State.Version : 0;
            var text = entry.Text is not { } t ? "[yellow]not drafted[/]"
                : t.CaseVersion != current ? $"[yellow]case changed (v{t.CaseVersion} → v{current})[/]" : $"by {Markup.Escape(t.By)}";
            table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(entry.CaseId), entry.CaseRegion.Value, SnakeCase.Of(entry.Kind),
                entry.ClosedOn.ToString("yyyy-MM-dd", null), text, Markup.Escape(entry.Text?.Title ?? ""));
        }
        AnsiConsole.Write(table);
        if (state.Entries.Count < TypicalSelectionModel.ListSize)
            AnsiConsole.MarkupLine(Markup.Escape($"{state.Entries.Count} of {TypicalSelectionModel.ListSize} cases; a shorter list is approved only with a stated reason"));

        var failed = false;
        foreach (var edition in state.Editions)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"edition {edition.Edition}: published {edition.On:yyyy-MM-dd} by {edition.By}, approved by {edition.Approval.By} on {edition.Approval.On:yyyy-MM-dd}; " +
                                                 $"{edition.Entries.Count} cases" + (edition.Approval.ShortfallReason is { } reason ? $" (fewer than ten: {reason})" : "")));
            foreach (var artefact in await selections.ArtefactsAsync(id, edition.Edition, ct))
            {
                var check = artefact.MatchesStoredHash && artefact.MatchesRendering ? "[green]stored bytes match the hash; re-rendered from the stream: identical[/]"
                    : artefact.MatchesStoredHash ? "[yellow]stored bytes match the hash; re-rendering differs (the renderer changed since)[/]"
                    : "[red]STORED BYTES DO NOT MATCH THE RECORDED HASH[/]";
                failed |= !artefact.MatchesStoredHash;
                AnsiConsole.MarkupLine($"  {artefact.Format,-8} sha256 {artefact.RecordedSha256}  {check}");
            }
        }
        foreach (var w in state.Withdrawals)
            AnsiConsole.MarkupLine(Markup.Escape($"withdrawn: case {w.CaseId} from edition {w.Edition} on {w.On:yyyy-MM-dd} by {w.By}: {w.Reason}"));
        foreach (var due in view.WithdrawalsDue)
        {
            var line = $"case {due.CaseId} of edition {due.Edition}: {due.Change} on {due.ChangedOn:yyyy-MM-dd}; withdrawal due by {due.DueOn:yyyy-MM-dd} (3 working days)";
            AnsiConsole.MarkupLine(due.WithdrawnOn is { } on ? Markup.Escape($"{line} — withdrawn on {on:yyyy-MM-dd}")
                : due.Overdue ? $"[red]WITHDRAWAL OVERDUE:[/] {Markup.Escape(line)}" : $"[yellow]WITHDRAWAL DUE:[/] {Markup.Escape(line)}");
        }
        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static async Task WriteEditionAsync(TypicalCaseSelections selections, SelectionId id, int edition, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        foreach (var artefact in await selections.ArtefactsAsync(id, edition, ct))
        {
            var extension = artefact.Format == "markdown" ? "md" : artefact.Format;
            var path = Path.Combine(directory, $"typical-cases-{id.Region.Value}-{id.Year}-edition-{edition}.{extension}");
            await File.WriteAllBytesAsync(path, artefact.Content, ct);
            AnsiConsole.MarkupLine(Markup.Escape($"  wrote {path}"));
        }
    }

    private static Task<int> RunOneAsync(ParseResult parse, CancellationToken ct, SelectionCommand command, string done) =>
        RunAsync(parse, ct, async (selections, id) =>
            Report(await selections.HandleAsync(id, command, parse.GetValue(By)!, KeyFor(parse.GetValue(Key), 0), ct: ct), done));

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct, Func<TypicalCaseSelections, SelectionId, Task> body)
    {
        var id = Arguments(() => SelectionId.Parse(parse.GetValue(Region), parse.GetValue(Year)));
        await using var ledger = await CliLedger.StartAsync(parse, ct);
        await body(ledger.Get<TypicalCaseSelections>(), id);
        return ExitCodes.Ok;
    }

    private static void Report(SelectionOutcome outcome, string done) =>
        AnsiConsole.MarkupLine(Markup.Escape(outcome.AlreadyApplied
            ? $"{outcome.Id}: already recorded under this key (version {outcome.FromVersion}); nothing written"
            : $"{outcome.Id}: {done} — version {outcome.ToVersion} ({string.Join(", ", outcome.EventTypes)})"));

    private static string KeyFor(string? key, int index) => key is null ? $"cli:{Guid.NewGuid():N}" : index == 0 ? key : $"{key}:{index}";

    private static Option<string> CaseOption() => new("--case") { Description = "The case id", Required = true };

    private static Option<string?> OnOption(string what) => new("--on") { Description = $"{what} (yyyy-MM-dd; default today in China)" };

    private static LocalDate Date(string? text, string option)
    {
        if (text is null) return SystemClock.Instance.GetCurrentInstant().InZone(DecisionContext.Zone).Date;
        var parsed = LocalDatePattern.Iso.Parse(text.Trim());
        return parsed.Success ? parsed.Value : throw new CliInputException($"{option}: '{text}' is not a date (yyyy-MM-dd)");
    }

    private static T Arguments<T>(Func<T> parse) => TotalsCommands.Arguments(parse);
}
