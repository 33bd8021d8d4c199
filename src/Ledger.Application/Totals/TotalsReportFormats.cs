using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
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

    internal static string Iso(LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    internal static readonly JsonSerializerOptions DocumentJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The report as JSON (<c>ledger totals --format json</c>): <see cref="TotalsDocument"/>, as <c>GET /totals</c> answers it.</summary>
    public static string Json(TotalsReport report) => JsonSerializer.Serialize(TotalsDocument.Of(report), DocumentJson);

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

/// <summary>
/// A totals report as JSON carries it: the question with its caliber and as-of instant (China Standard Time, to the
/// microsecond, so it can be passed back as <c>as_of</c>), the projection's place, the lines and the total. Money is exact
/// yuan as a string with two decimals. The same document for the API (<c>GET /totals</c>) and the CLI.
/// </summary>
public sealed record TotalsDocument(
    string Caliber, string CaliberBasis, string AsOf, bool Current, string? Region, string RegionName, string From, string To,
    IReadOnlyList<string> Kinds, string? Campaign, string? Flag, string GroupBy, string? Compare,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ComparedFrom,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ComparedTo,
    TotalsDocumentProjection Projection, IReadOnlyList<TotalsDocumentLine> Lines, TotalsDocumentLine Total)
{
    /// <summary>The document of <paramref name="report"/>.</summary>
    public static TotalsDocument Of(TotalsReport report)
    {
        var query = report.Query;
        var projection = report.Projection;
        var compared = report.ComparedPeriod;
        return new TotalsDocument(
            SnakeCase.Of(query.Caliber), TotalsReportFormats.CaliberBasis(query.Caliber), TotalsReportFormats.ChinaTime(report.AsOf), report.Current,
            query.Region?.Value, TotalsQuery.RegionLabel(query.Region), TotalsReportFormats.Iso(query.Period.Start), TotalsReportFormats.Iso(query.Period.End),
            [.. (query.Kinds ?? []).Select(k => SnakeCase.Of(k))], query.Campaign, query.Flag, SnakeCase.Of(query.By),
            query.Compare == TotalsComparison.None ? null : SnakeCase.Of(query.Compare).Replace('_', '-'),
            compared is null ? null : TotalsReportFormats.Iso(compared.Start),
            compared is null ? null : TotalsReportFormats.Iso(compared.End),
            new TotalsDocumentProjection(projection.Name, projection.Checkpoint.ToString(), projection.EventsApplied,
                projection.LastRecordedAt is { } last ? TotalsReportFormats.ChinaTime(last) : null, projection.EventsBehind),
            [.. report.Lines.Select(TotalsDocumentLine.Of)], TotalsDocumentLine.Of(report.Total));
    }
}

/// <summary>Where the totals projection stood when the report was read.</summary>
public sealed record TotalsDocumentProjection(string Name, string Checkpoint, long EventsApplied, string? LastRecordedAt, long EventsBehind);

/// <summary>A line of a totals report: its key and label, its figures and, with <c>compare</c>, the compared period's.</summary>
public sealed record TotalsDocumentLine(
    string Key, string Label, long Cases, string CaseValue, string Fines, string Confiscations, string FinesAndConfiscations, long TransferredToPolice,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TotalsDocumentFigures? Compared)
{
    /// <summary>The document line of <paramref name="line"/>.</summary>
    public static TotalsDocumentLine Of(TotalsLine line)
    {
        var f = line.Figures;
        return new TotalsDocumentLine(line.Key, line.Label, f.Cases, f.CaseValue.ToString(), f.Fines.ToString(), f.Confiscations.ToString(),
            f.FinesAndConfiscations.ToString(), f.TransferredToPolice, line.Compared is { } c ? TotalsDocumentFigures.Of(c) : null);
    }
}

/// <summary>The compared period's figures of a line.</summary>
public sealed record TotalsDocumentFigures(
    long Cases, string CaseValue, string Fines, string Confiscations, string FinesAndConfiscations, long TransferredToPolice)
{
    /// <summary>The document figures of <paramref name="f"/>.</summary>
    public static TotalsDocumentFigures Of(TotalsFigures f) =>
        new(f.Cases, f.CaseValue.ToString(), f.Fines.ToString(), f.Confiscations.ToString(), f.FinesAndConfiscations.ToString(), f.TransferredToPolice);
}
