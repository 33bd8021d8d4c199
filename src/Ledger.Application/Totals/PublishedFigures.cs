using System.Globalization;
using Ledger.Application.Totals;
using Ledger.Domain;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Application.Totals;

/// <summary>
/// A figure a bureau published, as the reference dataset must reproduce it: the question (region, period of the closing
/// date, kind, campaign, flag — the parameters of <c>ledger totals</c>), the instant it is as of, and the answer.
/// Amounts not published are null. <see cref="FinesFrom"/>/<see cref="FinesBelow"/> bound a figure printed with 余
/// ("547.5万余": at least 5,475,000 and less than 5,476,000), which counts fines only.
/// </summary>
public sealed record PublishedFigure(
    string Seed, string Label, string Region, LocalDate From, LocalDate To, string? Kind, string? Campaign, string? Flag, Instant AsOf,
    long Cases, Money? CaseValue = null, Money? FinesAndConfiscations = null, Money? FinesFrom = null, Money? FinesBelow = null)
{
    /// <summary>The query behind <c>ledger totals</c> for this figure, as of its publication or (<paramref name="asPublished"/> false) now.</summary>
    public TotalsQuery Query(bool asPublished, Instant now) => TotalsQuery.Parse(
        Region, LocalDatePattern.Iso.Format(From), LocalDatePattern.Iso.Format(To), Kind, Campaign, Flag, null, "closed",
        asPublished ? InstantPattern.ExtendedIso.Format(AsOf) : null, null, now);

    /// <summary>The same question as <c>ledger totals</c> options.</summary>
    public string CommandLine =>
        $"ledger totals --region {Region} --from {From:yyyy-MM-dd} --to {To:yyyy-MM-dd}" +
        (Kind is null ? "" : $" --kind {Kind}") + (Campaign is null ? "" : $" --campaign {Campaign}") + (Flag is null ? "" : $" --flag {Flag}") +
        $" --caliber closed --as-of {OffsetDateTimePattern.ExtendedIso.Format(AsOf.WithOffset(Offset.FromHours(8)))}";

    /// <summary>Every printed number of the figure against <paramref name="figures"/>: (what, published, reproduced, equal).</summary>
    public IReadOnlyList<(string What, string Published, string Reproduced, bool Matches)> Compare(TotalsFigures figures)
    {
        var rows = new List<(string, string, string, bool)> { ("cases", Cases.ToString(CultureInfo.InvariantCulture), figures.Cases.ToString(CultureInfo.InvariantCulture), figures.Cases == Cases) };
        if (CaseValue is { } value) rows.Add(("case value", value.ToString(), figures.CaseValue.ToString(), figures.CaseValue == value));
        if (FinesAndConfiscations is { } total)
            rows.Add(("fines and confiscations", total.ToString(), figures.FinesAndConfiscations.ToString(), figures.FinesAndConfiscations == total));
        if (FinesFrom is { } from && FinesBelow is { } below)
            rows.Add(("fines", $"≥ {from} and < {below}", figures.Fines.ToString(), figures.Fines >= from && figures.Fines < below));
        return rows;
    }
}

/// <summary>
/// The figures the source documents published (shared/reference-figures.md), which the reference dataset reproduces
/// (<c>ledger reference load</c>, <c>GET /reference/figures</c>): known without generating a dataset.
/// </summary>
public static class PublishedFigures
{
    /// <summary>Seed 003 (内蒙古自治区知识产权局), figures as known at the start of 2021-02-01 in China.</summary>
    public static readonly Instant InnerMongoliaPublished = Instant.FromUtc(2021, 1, 31, 16, 0);
    /// <summary>Seed 000 (太原市市场监督管理局), figures as known at the start of 2022-04-21 in China.</summary>
    public static readonly Instant TaiyuanPublished = Instant.FromUtc(2022, 4, 20, 16, 0);

    private static Money Yuan(long yuan) => Money.FromYuan(yuan);

    /// <summary>Every published figure, in the order of reference-figures.md.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } = Figures2021And2022();

    private static IReadOnlyList<PublishedFigure> Figures2021And2022()
    {
        var im = InnerMongoliaPublished;
        var fiveYears = (new LocalDate(2016, 1, 1), new LocalDate(2020, 12, 31));
        var y2020 = (new LocalDate(2020, 1, 1), new LocalDate(2020, 12, 31));
        const string Seed3 = "003", Region = "150000";
        return
        [
            new(Seed3, "十三五 trademark infringement/counterfeiting", Region, fiveYears.Item1, fiveYears.Item2, "trademark_infringement", null, null, im,
                1363, Yuan(17_790_000), Yuan(14_220_000)),
            new(Seed3, "十三五 patent counterfeiting", Region, fiveYears.Item1, fiveYears.Item2, "patent_counterfeiting", null, null, im, 1141),
            new(Seed3, "十三五 patent infringement disputes", Region, fiveYears.Item1, fiveYears.Item2, "patent_infringement_dispute", null, null, im, 171),
            new(Seed3, "2020 trademark infringement", Region, y2020.Item1, y2020.Item2, "trademark_infringement", null, null, im,
                287, Yuan(7_905_700), Yuan(4_336_600)),
            new(Seed3, "2020 patent counterfeiting", Region, y2020.Item1, y2020.Item2, "patent_counterfeiting", null, null, im, 41),
            new(Seed3, "2020 patent infringement disputes", Region, y2020.Item1, y2020.Item2, "patent_infringement_dispute", null, null, im, 72),
            new(Seed3, "2020 unlicensed patent agency", Region, y2020.Item1, y2020.Item2, "patent_agency", null, null, im, 2),
            new(Seed3, "2020 trademark agency violations", Region, y2020.Item1, y2020.Item2, "trademark_agency", null, null, im, 2),
            new(Seed3, "2020 masks infringing 飘安 and 3M marks", Region, y2020.Item1, y2020.Item2, "trademark_infringement", MaskCampaign, null, im,
                39, Yuan(281_300), Yuan(1_159_300)),
            new(Seed3, "2020 foreign-related trademark cases", Region, y2020.Item1, y2020.Item2, "trademark_infringement", null, CaseFlags.ForeignRelated, im,
                53, Yuan(2_155_700), Yuan(754_600)),
            new("000", "2019–2021 IP violation cases of all kinds (fines only)", "140100", new LocalDate(2019, 1, 1), new LocalDate(2021, 12, 31), null, null, null,
                TaiyuanPublished, 569, FinesFrom: Yuan(5_475_000), FinesBelow: Yuan(5_476_000)),
        ];
    }

    /// <summary>The 2020 campaign 查处侵权假冒防护用品专项行动 (masks infringing 飘安 and 3M marks).</summary>
    public const string MaskCampaign = "侵权假冒防护用品专项2020";
}
