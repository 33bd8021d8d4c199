using System.Text.Json.Nodes;
using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.Domain;
using Ledger.EventStore;
using NodaTime;
using Shouldly;

namespace Ledger.Application.Tests;

/// <summary>The totals as JSON (<c>ledger totals --format json</c>, <c>GET /totals</c>): exact yuan as strings, the question,
/// its caliber and as-of instant in China Standard Time, and the compared period's figures only when asked for.</summary>
public sealed class TotalsDocumentTests
{
    private static readonly Instant Now = Instant.FromUtc(2021, 3, 1, 4, 0);

    private static TotalsReport Report(string? compare)
    {
        var query = TotalsQuery.Parse("140800", "2020-01-01", "2020-12-31", "trademark_infringement", null, null, "kind", "closed",
            "2021-02-01T00:00+08:00", compare, Now);
        var figures = new TotalsFigures(3, Money.FromYuan(12_345), Money.FromYuan(6789.50m), Money.FromYuan(100), 1);
        var compared = compare is null ? null : new TotalsFigures(1, Money.FromYuan(10), Money.Zero, Money.Zero, 0);
        var line = new TotalsLine("trademark_infringement", "商标侵权", figures, compared);
        var status = new ProjectionStatus("penalty_totals", new GlobalCheckpoint(42, 7), 7, Instant.FromUtc(2021, 1, 31, 1, 2, 3), Now, null, 0);
        return new TotalsReport(query, query.AsOf!.Value, false,
            compare is null ? null : new DateInterval(new LocalDate(2019, 1, 1), new LocalDate(2019, 12, 31)), [line], line with { Key = "", Label = "合计" }, status);
    }

    [Fact]
    public void TheDocumentCarriesTheQuestionAndExactYuanAndLeavesOutWhatWasNotAsked()
    {
        var json = JsonNode.Parse(TotalsReportFormats.Json(Report(compare: null)))!.AsObject();
        json.Select(p => p.Key).ShouldBe(["caliber", "caliber_basis", "as_of", "current", "region", "region_name", "from", "to", "kinds", "campaign", "flag",
            "group_by", "compare", "projection", "lines", "total"]);
        json["caliber"]!.GetValue<string>().ShouldBe("closed");
        json["as_of"]!.GetValue<string>().ShouldBe("2021-02-01T00:00:00+08:00");
        json["kinds"]!.AsArray().Select(k => k!.GetValue<string>()).ShouldBe(["trademark_infringement"]);
        json["compare"].ShouldBeNull();
        json["projection"]!["checkpoint"]!.GetValue<string>().ShouldBe(new GlobalCheckpoint(42, 7).ToString());
        json["projection"]!["last_recorded_at"]!.GetValue<string>().ShouldBe("2021-01-31T09:02:03+08:00");
        var line = json["lines"]![0]!.AsObject();
        line.Select(p => p.Key).ShouldBe(["key", "label", "cases", "case_value", "fines", "confiscations", "fines_and_confiscations", "transferred_to_police"]);
        line["case_value"]!.GetValue<string>().ShouldBe("12345.00");
        line["fines"]!.GetValue<string>().ShouldBe("6789.50");
        line["fines_and_confiscations"]!.GetValue<string>().ShouldBe("6889.50");
        line["label"]!.GetValue<string>().ShouldBe("商标侵权");
    }

    [Fact]
    public void AComparisonAddsThePeriodAndEachLinesComparedFigures()
    {
        var json = JsonNode.Parse(TotalsReportFormats.Json(Report(compare: "previous-year")))!.AsObject();
        json["compare"]!.GetValue<string>().ShouldBe("previous-year");
        json["compared_from"]!.GetValue<string>().ShouldBe("2019-01-01");
        json["compared_to"]!.GetValue<string>().ShouldBe("2019-12-31");
        json["total"]!["compared"]!["case_value"]!.GetValue<string>().ShouldBe("10.00");
    }
}
