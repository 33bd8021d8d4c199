using System.CommandLine;
using System.Globalization;
using Ledger.Application.Nation;
using Ledger.Application.Totals;
using Ledger.EventStore.Hosting;
using Npgsql;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>
/// The national server: provinces' ledgers fed to it by logical replication (docs/replication.md, decision record 0010),
/// national totals across them, and each province's log verified with that province's public key. <c>--connection</c>
/// names the national server as a superuser (CREATE SUBSCRIPTION needs one); without it, the private cluster.
/// </summary>
public static class NationCommands
{
    private static readonly Option<string> Province = new("--province") { Description = "The province's code (GB/T 2260), e.g. 150000", Required = true };

    public static Command Create()
    {
        var command = new Command("nation", "The national server: provinces' ledgers fed by logical replication, national totals, each province's log verified");
        command.Subcommands.Add(Subscribe());
        command.Subcommands.Add(Status());
        command.Subcommands.Add(Totals());
        command.Subcommands.Add(Verify());
        return command;
    }

    private static Command Subscribe()
    {
        var from = new Option<string>("--from")
        {
            Description = "The province ledger's connection (Npgsql form), as a role with REPLICATION that may read its tables; its password, " +
                          "given or read from its Passfile, is kept in the national server's pg_subscription (superusers only)",
            Required = true,
        };
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for the first copy to complete (0: do not wait)", DefaultValueFactory = _ => 600 };
        var command = new Command("subscribe",
            "Feed a province's ledger to this national server: its own database here (ledger_province_<code>), migrated, append-only for the " +
            "replication worker too, subscribed to the province's publication ledger_national_feed; subscribing again changes nothing")
            { Province, from, wait };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var province = TotalsCommands.Arguments(() => NationalFeed.Province(parse.GetValue(Province)));
            var admin = await NationalAdminAsync(parse, ct);
            var publisher = parse.GetValue(from)!;
            var copy = await TotalsCommands.ArgumentsAsync(() => NationalFeed.SubscribeAsync(admin, province, publisher, Cli.MigrationsDirectory, ct));
            Cli.Info($"{province.Value} {province.Name}: subscribed into database {copy.Database}");
            if (parse.GetValue(wait) is > 0 and var seconds)
            {
                try
                {
                    await NationalFeed.WaitUntilCaughtUpAsync(admin, province, publisher, TimeSpan.FromSeconds(seconds), ct);
                    Cli.Info($"{province.Value}: the national copy holds everything the province had committed");
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    // Subscribed, but the first copy stopped or is still running: say so, not a stack trace.
                    Console.Error.WriteLine($"error: --wait: {e.Message}");
                    await PrintStatusAsync(admin, ct);
                    return ExitCodes.Failure;
                }
            }
            await PrintStatusAsync(admin, ct);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "Each province's feed: running or stopped on an error, last message, events, log size, latest checkpoint");
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var statuses = await PrintStatusAsync(await NationalAdminAsync(parse, ct), ct);
            return statuses.Any(s => s.Stopped) ? ExitCodes.Failure : ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Totals()
    {
        var question = new TotalsCommands.TotalsOptions();
        var format = TotalsCommands.FormatOption();
        var command = new Command("totals", "National totals across the provinces fed here: the question of `ledger totals`, asked of each province's copy and added");
        question.AddTo(command);
        command.Options.Add(format);
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var output = TotalsCommands.Format(parse.GetValue(format));
            var query = question.Parse(parse);
            var copies = await NationalFeed.ProvincesAsync(await NationalAdminAsync(parse, ct), ct);
            var sources = copies.Select(c => (c.Province, Copy: LedgerDatabase.CreateDataSource(c.Connection))).ToList();
            try
            {
                var report = await TotalsCommands.ArgumentsAsync(() => new NationalTotals(sources, NodaTime.SystemClock.Instance).QueryAsync(query, ct));
                if (output == "json")
                {
                    Console.Out.WriteLine(NationalTotalsDocument.Json(report));
                    return ExitCodes.Ok;
                }
                TotalsCommands.Write(report.Totals, output, projectionLine: false);
                if (output == "table")
                    foreach (var part in report.Provinces)
                        AnsiConsole.MarkupLine(Markup.Escape($"{part.Province.Value} {part.Province.Name}: {part.Total.Cases:N0} cases; projection at {part.Projection.Checkpoint} " +
                                                             $"of its own log ({part.Projection.EventsApplied:N0} events applied, {part.Projection.EventsBehind:N0} behind)"));
                return ExitCodes.Ok;
            }
            finally
            {
                foreach (var (_, source) in sources) await source.DisposeAsync();
            }
        }));
        return command;
    }

    private static Command Verify()
    {
        var trusted = IntegrityCommands.TrustedKeysOption("none: give the province's published public key");
        var published = IntegrityCommands.TrustedCheckpointOption();
        var command = new Command("verify",
            "Verify a province's ledger as the national copy holds it, with that province's public key: every chain, leaf and checkpoint; and say whether " +
            "the province ever sent a change to a row it had published (the copy refuses it and its feed stops). Exit 0 only when both are clean")
            { Province, trusted, published };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var province = TotalsCommands.Arguments(() => NationalFeed.Province(parse.GetValue(Province)));
            var keys = IntegrityCommands.TrustedKeys(parse.GetValue(trusted), () => throw new CliInputException(
                "--trusted-key: give the public key the province published; the national side trusts no key of its own choosing"));
            var checkpoints = (parse.GetValue(published) ?? []).Select(IntegrityCommands.ReadPublishedCheckpoint).ToList();
            var admin = await NationalAdminAsync(parse, ct);
            var copy = (await NationalFeed.ProvincesAsync(admin, ct)).SingleOrDefault(c => c.Province == province)
                       ?? throw new CliInputException($"--province: no feed of {province.Value} on this national server (ledger nation subscribe)");
            var status = (await NationalFeed.StatusAsync(admin, ct)).Single(s => s.Province == province);
            await using var source = LedgerDatabase.CreateDataSource(copy.Connection);
            var report = await IntegrityCommands.VerifyAndPrintAsync(source, keys, checkpoints, ct);
            if (status.Stopped)
                Console.Out.WriteLine($"FEED STOPPED: {province.Value} sent a change the national copy refused ({status.ApplyErrors} apply error(s)): " +
                                      "a row it had published was changed or removed there. The copy holds what was published; the national server's log names the row");
            return report.Ok && !status.Stopped ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private static async Task<IReadOnlyList<ProvinceFeedStatus>> PrintStatusAsync(string admin, CancellationToken ct)
    {
        var statuses = await NationalFeed.StatusAsync(admin, ct);
        if (statuses.Count == 0)
        {
            AnsiConsole.MarkupLine("no province feeds this national server yet (ledger nation subscribe --province … --from …)");
            return statuses;
        }
        var table = new Table().AddColumns("province", "database", "feed", "last message", "events", "log size", "latest checkpoint");
        foreach (var s in statuses)
        {
            var feed = s.Stopped ? $"[red]STOPPED[/] after {s.ApplyErrors + s.CopyErrors} error(s)"
                : !s.Enabled ? "disabled"
                : s.TablesCopying > 0 ? $"copying ({s.TablesCopying} tables)" : "running";
            table.AddRow(Markup.Escape($"{s.Province.Value} {s.Province.Name}"), Markup.Escape(s.Database), feed,
                s.LastMessageAt is { } at ? Markup.Escape(TotalsReportFormats.ChinaTime(at)) : "-",
                s.Events.ToString("N0", CultureInfo.InvariantCulture), s.LogSize.ToString("N0", CultureInfo.InvariantCulture),
                s.LatestCheckpointSize is { } size ? Markup.Escape($"{size:N0} leaves, {TotalsReportFormats.ChinaTime(s.LatestCheckpointIssuedAt!.Value)}") : "-");
        }
        AnsiConsole.Write(table);
        return statuses;
    }

    // The national server as a superuser: --connection (or LEDGER_CONNECTION), else the private cluster's.
    private static async Task<string> NationalAdminAsync(ParseResult parse, CancellationToken ct)
    {
        var configured = parse.GetValue(CliOptions.Connection) ?? Environment.GetEnvironmentVariable(LedgerDatabase.ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        return await LedgerDatabase.EmbeddedCluster(Cli.Info).StartAsync(ct);
    }
}
