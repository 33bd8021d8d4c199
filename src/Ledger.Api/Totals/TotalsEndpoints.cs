using Ledger.Application.Access;
using Ledger.Application.Cases;
using Ledger.Application.Totals;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Npgsql;

namespace Ledger.Api;

/// <summary>What officials and auditors count: penalty totals, the cockpit's analyses and the published figures.</summary>
public static class TotalsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/totals", (HttpContext http, ReadSide read, IClock clock) => TotalsAsync(http, read.Totals, clock))
            .WithName("totals").WithTags("totals")
            .WithSummary("Penalty totals as `ledger totals` gives them: region, from, to, kind, campaign, flag, by, caliber, as_of, compare")
            .RequireRoles(Role.Official, Role.Auditor);

        app.MapGet("/cases/analysis", (HttpContext http, IClock clock, ReadSide read) => AnalysisAsync(http, clock, read.DataSource))
            .WithName("case_analysis").WithTags("cases", "totals")
            .WithSummary("The cockpit's 来源、流程、高发 analyses of the leads registered in a period, as the cases stand now: region, from, to, kind, campaign, flag")
            .RequireRoles(Role.Official, Role.Auditor);

        app.MapGet("/reference/figures", (HttpContext http) => PublishedFigures(http))
            .WithName("published_figures").WithTags("totals")
            .WithSummary("The figures the source documents published (`ledger reference figures`), each with the totals query that reproduces it as of its publication")
            .RequireRoles(Role.Official, Role.Auditor);
    }

    private static async Task<Ok<TotalsDocument>> TotalsAsync(HttpContext http, TotalsReader totals, IClock clock)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "region", "from", "to", "kind", "campaign", "flag", "by", "caliber", "as_of", "compare");
        var caller = http.Caller();
        var query = TotalsQuery.Parse(QueryParameters.Text(request, "region"), QueryParameters.Text(request, "from"), QueryParameters.Text(request, "to"), QueryParameters.Text(request, "kind"),
            QueryParameters.Text(request, "campaign"), QueryParameters.Text(request, "flag"), QueryParameters.Text(request, "by"),
            QueryParameters.Text(request, "caliber"), QueryParameters.Text(request, "as_of"), QueryParameters.Text(request, "compare"), clock.GetCurrentInstant());
        // Officials see their region's totals unless they ask for a region within it.
        query = query with { Region = Scope.Narrow(caller, query.Region, "region") };
        var report = await totals.QueryAsync(query, http.RequestAborted);
        return TypedResults.Ok(TotalsDocument.Of(report));
    }

    private static async Task<Ok<CaseAnalysisResponse>> AnalysisAsync(HttpContext http, IClock clock, NpgsqlDataSource dataSource)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "region", "from", "to", "kind", "campaign", "flag");
        var now = clock.GetCurrentInstant();
        var query = TotalsQuery.Parse(QueryParameters.Text(request, "region"), QueryParameters.Text(request, "from"), QueryParameters.Text(request, "to"),
            QueryParameters.Text(request, "kind"), QueryParameters.Text(request, "campaign"), QueryParameters.Text(request, "flag"), null, null, null, null, now);
        query = query with { Region = Scope.Narrow(http.Caller(), query.Region, "region") };
        var report = await CaseAnalysis.QueryAsync(dataSource, query, now.InZone(DecisionContext.Zone).Date, http.RequestAborted);
        // Aggregates only: no case is shown, so nothing goes to the read log.
        return TypedResults.Ok(new CaseAnalysisResponse(
            query.Region?.Value, TotalsQuery.RegionLabel(query.Region), query.Period.Start, query.Period.End,
            [.. query.Kinds?.Select(k => SnakeCase.Of(k)) ?? []], query.Campaign, query.Flag,
            "lead_on (线索登记日期): the leads registered in the period, at the stage each has reached now",
            report.Today, report.Flow, report.Sources, report.Deadlines,
            new HighIncidence([.. report.Regions.Select(r => new RegionCount(r.Key, TotalsQuery.RegionLabel(RegionCode.Parse(r.Key)), r.Cases))], report.Kinds, report.Marks)));
    }

    private static Ok<PublishedFiguresResponse> PublishedFigures(HttpContext http)
    {
        QueryParameters.OnlyKnown(http.Request);
        var beijing = NodaTime.Text.OffsetDateTimePattern.ExtendedIso;
        return TypedResults.Ok(new PublishedFiguresResponse([.. Application.Totals.PublishedFigures.All.Select(f => new PublishedFigureItem(
            f.Seed, f.Label, f.Region, TotalsQuery.RegionLabel(RegionCode.Parse(f.Region)), f.From, f.To, f.Kind, f.Campaign, f.Flag, "closed",
            beijing.Format(f.AsOf.WithOffset(Offset.FromHours(8))),
            new PublishedNumbers(f.Cases, f.CaseValue, f.FinesAndConfiscations, f.FinesFrom, f.FinesBelow)))]));
    }
}

/// <summary>The cockpit's analyses of the leads registered in a period (<c>GET /cases/analysis</c>).</summary>
public sealed record CaseAnalysisResponse(
    string? Region, string RegionName, LocalDate From, LocalDate To, IReadOnlyList<string> Kinds, string? Campaign, string? Flag, string Basis,
    LocalDate Today, CaseFlow Flow, IReadOnlyList<KeyedCount> Sources, IReadOnlyList<DeadlineCompliance> Deadlines, HighIncidence HighIncidence);

/// <summary>高发分析: the regions, kinds and marks with the most cases.</summary>
public sealed record HighIncidence(IReadOnlyList<RegionCount> Regions, IReadOnlyList<KeyedCount> Kinds, IReadOnlyList<KeyedCount> Marks);

/// <summary>A region's count, with its name.</summary>
public sealed record RegionCount(string Key, string Label, long Cases);

/// <summary>The figures the source documents published (<c>GET /reference/figures</c>).</summary>
public sealed record PublishedFiguresResponse(IReadOnlyList<PublishedFigureItem> Figures);

/// <summary>One published figure: the question (the parameters of <c>GET /totals</c>) and the numbers printed.</summary>
public sealed record PublishedFigureItem(
    string Seed, string Label, string Region, string RegionName, LocalDate From, LocalDate To, string? Kind, string? Campaign, string? Flag,
    string Caliber, string AsOf, PublishedNumbers Published);

/// <summary>The numbers a figure printed; those it did not print are null.</summary>
public sealed record PublishedNumbers(long Cases, Money? CaseValue, Money? FinesAndConfiscations, Money? FinesAtLeast, Money? FinesBelow);
