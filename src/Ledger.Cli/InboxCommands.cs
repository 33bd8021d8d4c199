using System.CommandLine;
using System.Globalization;
using Ledger.Application.Referrals;
using Ledger.Application.Totals;
using Ledger.Domain;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary><c>ledger inbox</c>: what other bureaus referred to a region, and what went to the police or another organ.</summary>
public static class InboxCommands
{
    public static Command Create()
    {
        var region = new Option<string?>("--region") { Description = "Referrals to this province, city or county (GB/T 2260 code)" };
        var limit = new Option<int>("--limit") { Description = $"At most this many (1–{BureauInbox.MaxLimit})", DefaultValueFactory = _ => 200 };
        var format = new Option<string?>("--format") { Description = "table, csv or json" };
        var command = new Command("inbox", "Referrals received, newest first: leads transferred, related leads, joint handling, transferred cases") { region, limit, format };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var output = TotalsCommands.Format(parse.GetValue(format));
            var (scope, most) = CliOutput.RegionAndLimit(parse, region, limit, BureauInbox.MaxLimit);
            await using var dataSource = await TotalsCommands.OpenAsync(parse, ct);
            var received = await new BureauInbox(dataSource).ListAsync(scope, most, ct);
            CliOutput.Write(output, "referrals", Row(null).Keys, received.Select(e => Row(e)), () =>
            {
                var table = new Table().AddColumns("received", "kind", "from case", "from", "to", "on", "summary");
                foreach (var r in received)
                    table.AddRow(TotalsReportFormats.ChinaTime(r.ReceivedAt), r.Kind, Markup.Escape(r.FromCaseId), r.FromRegion,
                        Markup.Escape(r.ToAgency is null ? r.ToRegion : $"{r.ToRegion} {r.ToAgency}"), Iso(r.On), Markup.Escape(r.Summary));
                AnsiConsole.Write(table);
                AnsiConsole.MarkupLine($"{received.Count} referrals");
            });
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Iso(NodaTime.LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> Row(ReceivedReferral? r) => new()
    {
        ["received_at"] = r is null ? null : TotalsReportFormats.ChinaTime(r.ReceivedAt), ["kind"] = r?.Kind, ["from_case_id"] = r?.FromCaseId,
        ["from_region"] = r?.FromRegion, ["to_region"] = r?.ToRegion, ["to_agency"] = r?.ToAgency, ["on"] = r is null ? null : Iso(r.On),
        ["summary"] = r?.Summary, ["event_id"] = r?.EventId,
    };
}
