using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.Domain;
using Ledger.EventStore;
using NodaTime;
using Npgsql;

namespace Ledger.Application.Nation;

/// <summary>One province's part of a national answer: its figures and how far its totals projection had reached.</summary>
public sealed record ProvinceTotals(RegionCode Province, TotalsFigures Total, ProjectionStatus Projection);

/// <summary>A national answer: the figures across the provinces asked (same lines and caliber as one ledger's answer)
/// and each province's part.</summary>
public sealed record NationalTotalsReport(TotalsReport Totals, IReadOnlyList<ProvinceTotals> Provinces);

/// <summary>
/// National totals from the provinces' copies on the national server: the same question (<see cref="TotalsQuery"/>) asked
/// of each province's totals with <see cref="TotalsReader"/>, at one instant, and the answers added line by line. A case
/// belongs to one province, so the provinces' cases are disjoint and every figure — a campaign or provision breakdown's
/// total too — is their sum. A question about a region asks only its province.
/// </summary>
public sealed class NationalTotals(IReadOnlyList<(RegionCode Province, NpgsqlDataSource Copy)> provinces, IClock clock)
{
    public async Task<NationalTotalsReport> QueryAsync(TotalsQuery query, CancellationToken ct = default)
    {
        var asked = provinces.Where(p => query.Region is null || query.Region.IsWithin(p.Province)).ToList();
        if (asked.Count == 0)
            throw new DomainRuleViolation("region", query.Region is null
                ? "no province feeds this national server yet (ledger nation subscribe)"
                : $"no province's ledger feeds this national server for {query.Region.Value}; provinces fed: " +
                  string.Join(", ", provinces.Select(p => p.Province.Value)));
        // One instant for every province: "now" read once, so the parts are of the same moment.
        var at = new FixedClock(clock.GetCurrentInstant());
        var reports = new List<(RegionCode Province, TotalsReport Report)>();
        foreach (var (province, copy) in asked)
            reports.Add((province, await new TotalsReader(copy, at).QueryAsync(query, ct)));

        var first = reports[0].Report;
        var timeLines = query.By is TotalsGrouping.Year or TotalsGrouping.Quarter or TotalsGrouping.Month;
        List<TotalsLine> lines = timeLines
            // Time lines are listed for every bucket of the period in every province, in the same order.
            ? [.. first.Lines.Select((line, i) => reports.Skip(1).Aggregate(line, (sum, next) => Add(sum, LineLike(next.Report, line, i))))]
            // Keyed breakdowns (regions, kinds, campaigns, provisions) differ in their keys from province to province.
            : [.. reports.SelectMany(r => r.Report.Lines).GroupBy(l => l.Key, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Aggregate(Add))];
        var total = reports.Skip(1).Select(r => r.Report.Total).Aggregate(first.Total, Add);
        // Each province's projection has its own place in its own log: the combined status counts events (applied,
        // behind) and keeps the earliest reach, and the provinces' own places are in Provinces.
        var projections = reports.Select(r => r.Report.Projection).ToList();
        var combined = new ProjectionStatus(first.Projection.Name, GlobalCheckpoint.Start,
            projections.Sum(p => p.EventsApplied), projections.Min(p => p.LastRecordedAt), projections.Min(p => p.UpdatedAt),
            null, projections.Sum(p => p.EventsBehind));
        return new NationalTotalsReport(
            first with { Lines = lines, Total = total, Projection = combined },
            [.. reports.Select(r => new ProvinceTotals(r.Province, r.Report.Total.Figures, r.Report.Projection))]);
    }

    private static TotalsLine LineLike(TotalsReport report, TotalsLine line, int index) =>
        index < report.Lines.Count && report.Lines[index].Key == line.Key ? report.Lines[index]
            : throw new InvalidOperationException($"province answers disagree on line {index} ({line.Key})");

    private static TotalsLine Add(TotalsLine a, TotalsLine b) => a with
    {
        Figures = a.Figures.Plus(b.Figures),
        Compared = a.Compared is null && b.Compared is null ? null : (a.Compared ?? TotalsFigures.Zero).Plus(b.Compared ?? TotalsFigures.Zero),
    };

    private sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }
}

/// <summary><c>ledger nation totals --format json</c>: the national answer as <c>GET /totals</c> words it, and each province's part
/// with its projection's place in its own log.</summary>
public sealed record NationalTotalsDocument(TotalsDocument Totals, IReadOnlyList<ProvinceTotalsDocument> Provinces)
{
    public static string Json(NationalTotalsReport report)
    {
        var totals = TotalsDocument.Of(report.Totals);
        var provinces = report.Provinces.Select(p => new ProvinceTotalsDocument(
            p.Province.Value, p.Province.Name, TotalsDocumentLine.Of(new TotalsLine(p.Province.Value, p.Province.Name, p.Total, null)),
            TotalsDocument.Of(report.Totals with { Projection = p.Projection }).Projection));
        return System.Text.Json.JsonSerializer.Serialize(
            new NationalTotalsDocument(totals with { Projection = totals.Projection with { Checkpoint = "per province" } }, [.. provinces]),
            TotalsReportFormats.DocumentJson);
    }
}

/// <summary>A province's part of a national answer.</summary>
public sealed record ProvinceTotalsDocument(string Province, string Name, TotalsDocumentLine Total, TotalsDocumentProjection Projection);
