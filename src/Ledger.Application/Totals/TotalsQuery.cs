using System.Globalization;
using Ledger.Domain;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Application.Totals;

/// <summary>How totals are broken down.</summary>
public enum TotalsGrouping
{
    /// <summary>One line.</summary>
    None,
    /// <summary>By case kind (the rows of the statistics table).</summary>
    Kind,
    /// <summary>By the next level of the region tree: provinces of the country, cities of a province, counties of a city.</summary>
    Region,
    /// <summary>By campaign; a case of two campaigns counts in both, so the total is not the sum of the lines.</summary>
    Campaign,
    /// <summary>
    /// By the provision fines and confiscations were imposed under (商标法第六十条, 产品质量法第五十四条…): the amounts split
    /// exactly; a case with items under two laws counts (and its case value) on both lines, one without any on "none".
    /// </summary>
    Provision,
    /// <summary>By calendar year of the caliber's date.</summary>
    Year,
    /// <summary>By quarter.</summary>
    Quarter,
    /// <summary>By month.</summary>
    Month,
}

/// <summary>同比 / 环比: what the figures are compared with.</summary>
public enum TotalsComparison
{
    /// <summary>Nothing.</summary>
    None,
    /// <summary>环比: the period of the same length just before (the preceding months when the period is whole months).</summary>
    PreviousPeriod,
    /// <summary>同比: the same dates a year earlier.</summary>
    PreviousYear,
}

/// <summary>
/// A question an official asks of the penalty totals: where (a region and everything under it, or the whole ledger),
/// when (an inclusive date range of the caliber's date), what (kinds, a campaign, a flag), counted how (caliber),
/// known when (as of an instant, or now), broken down and compared how.
/// </summary>
public sealed record TotalsQuery(
    RegionCode? Region,
    DateInterval Period,
    IReadOnlyList<CaseKind>? Kinds = null,
    string? Campaign = null,
    string? Flag = null,
    TotalsGrouping By = TotalsGrouping.None,
    Caliber Caliber = Caliber.Closed,
    Instant? AsOf = null,
    TotalsComparison Compare = TotalsComparison.None)
{
    /// <summary>
    /// Reads a query from text as officials type it (CLI options, HTTP query parameters). Each bad value is refused
    /// with the parameter's name and the rule; <paramref name="now"/> bounds the as-of instant.
    /// </summary>
    public static TotalsQuery Parse(
        string? region, string? from, string? to, string? kind, string? campaign, string? flag, string? by, string? caliber,
        string? asOf, string? compare, Instant now)
    {
        var regionCode = string.IsNullOrWhiteSpace(region) || region.Trim() is "all" or "national" ? null : RegionCode.Parse(region.Trim(), "region");
        var start = ParseDate(from, "from");
        var end = ParseDate(to, "to");
        if (end < start) throw new DomainRuleViolation("to", $"the period ends ({end:yyyy-MM-dd}) before it starts ({start:yyyy-MM-dd}); give from ≤ to");
        if (NodaTime.Period.Between(start, end, PeriodUnits.Years).Years >= 100)
            throw new DomainRuleViolation("to", "a period spans less than a hundred years");
        var instant = asOf is null ? (Instant?)null : ParseInstant(asOf, "as_of");
        if (instant > now)
            throw new DomainRuleViolation("as_of", $"{asOf} is in the future; totals are known as of the present ({now}) or earlier");
        return new TotalsQuery(
            regionCode,
            new DateInterval(start, end),
            string.IsNullOrWhiteSpace(kind) ? null : CaseKinds.ParseList(kind, "kind"),
            campaign is null ? null : CaseCampaigns.Check(campaign, "campaign"),
            flag is null ? null : CaseFlags.Check(flag.Trim(), "flag"),
            Choice<TotalsGrouping>(by, "by", TotalsGrouping.None),
            Choice<Caliber>(caliber, "caliber", Caliber.Closed),
            instant,
            Choice<TotalsComparison>(compare, "compare", TotalsComparison.None));
    }

    /// <summary>The period compared with, when a comparison is asked for.</summary>
    public DateInterval? ComparedPeriod
    {
        get
        {
            switch (Compare)
            {
                case TotalsComparison.PreviousYear:
                    return new DateInterval(Period.Start.PlusYears(-1), Period.End.PlusYears(-1));
                case TotalsComparison.PreviousPeriod:
                    var months = WholeMonths(Period);
                    return months > 0
                        ? new DateInterval(Period.Start.PlusMonths(-months), Period.Start.PlusDays(-1))
                        : new DateInterval(Period.Start.PlusDays(-Period.Length), Period.Start.PlusDays(-1));
                default:
                    return null;
            }
        }
    }

    /// <summary>The number of whole months the period spans, or 0 when it does not start on a first and end on a last day.</summary>
    public static int WholeMonths(DateInterval period)
    {
        if (period.Start.Day != 1 || period.End.PlusDays(1).Day != 1) return 0;
        return NodaTime.Period.Between(period.Start, period.End.PlusDays(1), PeriodUnits.Months).Months;
    }

    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;

    internal static LocalDate ParseDate(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new DomainRuleViolation(field, "is required: a date such as 2020-01-01");
        var parsed = DatePattern.Parse(text.Trim());
        return parsed.Success ? parsed.Value
            : throw new DomainRuleViolation(field, $"'{text}' is not a date; write yyyy-MM-dd, such as 2020-12-31");
    }

    private static readonly OffsetDateTimePattern[] InstantPatterns =
    [
        OffsetDateTimePattern.ExtendedIso,
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>"),
    ];

    /// <summary>"2021-02-01T00:00+08:00", "2021-01-31T16:00:00Z" and the like; anything else names <paramref name="field"/>.</summary>
    public static Instant ParseInstant(string text, string field)
    {
        foreach (var pattern in InstantPatterns)
            if (pattern.Parse(text.Trim()) is { Success: true } parsed) return parsed.Value.ToInstant();
        throw new DomainRuleViolation(field, $"'{text}' is not an instant; write it in ISO 8601 with an offset, such as 2021-02-01T00:00+08:00 or 2021-01-31T16:00:00Z");
    }

    internal static T Choice<T>(string? text, string field, T fallback) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        var word = text.Trim().Replace('-', '_').ToLowerInvariant();
        foreach (var value in Enum.GetValues<T>())
            if (SnakeCase.Of(value) == word) return value;
        throw new DomainRuleViolation(field, $"'{text}' is not one of {string.Join(", ", Enum.GetValues<T>().Select(v => SnakeCase.Of(v).Replace('_', '-')))}");
    }

    /// <summary>The region's label: its code and, when known, its name.</summary>
    public static string RegionLabel(RegionCode? region) =>
        region is null ? "all regions (全部)" : region.Name is { } name ? $"{region.Value} {name}" : region.Value;

    internal static string Iso(LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
}
