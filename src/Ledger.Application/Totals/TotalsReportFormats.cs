using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Domain;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Application.Totals;

/// <summary>
/// The machine-readable forms of a totals report. Both carry exact yuan with two decimals (never 万元, never a
/// float), the caliber and the as-of instant on every line or at the top, so a figure taken out of context still
/// says what it counts and when.
/// </summary>
public static class TotalsReportFormats
{
    /// <summary>What each caliber counts by, for people reading a report.</summary>
    public static string CaliberBasis(Caliber caliber) => caliber switch
    {
        Caliber.Filed => "filing date (立案)",
        Caliber.Decided => "decision date (作出决定)",
        _ => "closing date (结案)",
    };

    private static readonly OffsetDateTimePattern ChinaTimePattern =
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFo<+HH:mm>");

    /// <summary>An instant as China Standard Time with its offset ("2021-02-01T00:00:00+08:00"), to the microsecond
    /// PostgreSQL keeps, so it can be passed back as an as-of instant.</summary>
    public static string ChinaTime(Instant instant) => ChinaTimePattern.Format(instant.InZone(DecisionContext.Zone).ToOffsetDateTime());

    /// <summary>Yuan as 万元 with two decimals, rounded half away from zero (tables only; exports keep yuan).</summary>
    public static string TenThousands(Money amount) =>
        Math.Round(amount.Yuan / 10_000m, 2, MidpointRounding.AwayFromZero).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The change from <paramref name="before"/> to <paramref name="now"/> in percent, or "—" from nothing.</summary>
    public static string Change(decimal now, decimal before) =>
        before == 0 ? (now == 0 ? "0.0%" : "—") : ((now - before) / before * 100m).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";

    private static string Iso(LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The report as JSON.</summary>
    public static string Json(TotalsReport report)
    {
        var query = report.Query;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("caliber", SnakeCase.Of(query.Caliber));
            json.WriteString("caliber_basis", CaliberBasis(query.Caliber));
            json.WriteString("as_of", ChinaTime(report.AsOf));
            json.WriteBoolean("current", report.Current);
            json.WriteString("region", query.Region?.Value);
            json.WriteString("region_name", TotalsQuery.RegionLabel(query.Region));
            json.WriteString("from", Iso(query.Period.Start));
            json.WriteString("to", Iso(query.Period.End));
            json.WriteStartArray("kinds");
            foreach (var kind in query.Kinds ?? []) json.WriteStringValue(SnakeCase.Of(kind));
            json.WriteEndArray();
            json.WriteString("campaign", query.Campaign);
            json.WriteString("flag", query.Flag);
            json.WriteString("group_by", SnakeCase.Of(query.By));
            json.WriteString("compare", query.Compare == TotalsComparison.None ? null : SnakeCase.Of(query.Compare).Replace('_', '-'));
            if (report.ComparedPeriod is { } compared)
            {
                json.WriteString("compared_from", Iso(compared.Start));
                json.WriteString("compared_to", Iso(compared.End));
            }
            json.WriteStartObject("projection");
            json.WriteString("name", report.Projection.Name);
            json.WriteString("checkpoint", report.Projection.Checkpoint.ToString());
            json.WriteNumber("events_applied", report.Projection.EventsApplied);
            json.WriteString("last_recorded_at", report.Projection.LastRecordedAt is { } last ? ChinaTime(last) : null);
            json.WriteNumber("events_behind", report.Projection.EventsBehind);
            json.WriteEndObject();
            json.WriteStartArray("lines");
            foreach (var line in report.Lines) WriteLine(json, line);
            json.WriteEndArray();
            json.WritePropertyName("total");
            WriteLine(json, report.Total);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteLine(Utf8JsonWriter json, TotalsLine line)
    {
        json.WriteStartObject();
        json.WriteString("key", line.Key);
        json.WriteString("label", line.Label);
        WriteFigures(json, line.Figures);
        if (line.Compared is { } compared)
        {
            json.WriteStartObject("compared");
            WriteFigures(json, compared);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteFigures(Utf8JsonWriter json, TotalsFigures f)
    {
        json.WriteNumber("cases", f.Cases);
        json.WriteString("case_value", f.CaseValue.ToString());
        json.WriteString("fines", f.Fines.ToString());
        json.WriteString("confiscations", f.Confiscations.ToString());
        json.WriteString("fines_and_confiscations", f.FinesAndConfiscations.ToString());
        json.WriteNumber("transferred_to_police", f.TransferredToPolice);
    }

    /// <summary>The report as CSV (RFC 4180): one row per line and a final "total" row, each naming caliber and as-of.</summary>
    public static string Csv(TotalsReport report)
    {
        var query = report.Query;
        var compared = report.ComparedPeriod;
        var header = new List<string>
        {
            "caliber", "as_of", "region", "from", "to", "group_by", "key", "label",
            "cases", "case_value_yuan", "fines_yuan", "confiscations_yuan", "fines_and_confiscations_yuan", "transferred_to_police",
        };
        if (compared is not null)
            header.AddRange(["compared_from", "compared_to", "compared_cases", "compared_case_value_yuan", "compared_fines_yuan",
                "compared_confiscations_yuan", "compared_fines_and_confiscations_yuan", "compared_transferred_to_police"]);
        var text = new StringBuilder();
        text.AppendJoin(',', header).Append("\r\n");
        foreach (var line in report.Lines.Append(report.Total with { Key = "total" }))
        {
            var f = line.Figures;
            var cells = new List<string>
            {
                SnakeCase.Of(query.Caliber), ChinaTime(report.AsOf), query.Region?.Value ?? "all", Iso(query.Period.Start), Iso(query.Period.End),
                SnakeCase.Of(query.By), line.Key, line.Label,
                f.Cases.ToString(CultureInfo.InvariantCulture), f.CaseValue.ToString(), f.Fines.ToString(), f.Confiscations.ToString(),
                f.FinesAndConfiscations.ToString(), f.TransferredToPolice.ToString(CultureInfo.InvariantCulture),
            };
            if (compared is not null)
            {
                var c = line.Compared ?? TotalsFigures.Zero;
                cells.AddRange([Iso(compared.Start), Iso(compared.End), c.Cases.ToString(CultureInfo.InvariantCulture), c.CaseValue.ToString(),
                    c.Fines.ToString(), c.Confiscations.ToString(), c.FinesAndConfiscations.ToString(), c.TransferredToPolice.ToString(CultureInfo.InvariantCulture)]);
            }
            text.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }
        return text.ToString();
    }

    /// <summary>A CSV cell (RFC 4180): quoted when it holds a comma, quote or line break.</summary>
    public static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
