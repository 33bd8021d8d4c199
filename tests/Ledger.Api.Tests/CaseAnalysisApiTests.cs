using System.Net;

namespace Ledger.Api.Tests;

/// <summary>GET /cases/analysis: the leads of a period by source, stage and deadline, for officials and auditors of the
/// region; its parameters checked like the totals'.</summary>
public sealed class CaseAnalysisApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task ALeadRegisteredInThePeriodIsCountedBySourceStageKindAndMark()
    {
        await host.RegisterAsync("140824-2025-0801", "140824", "recorder-jishan");
        var analysis = await ApiHost.BodyAsync(await host.Client("official-jishan").GetAsync("/cases/analysis?from=2025-01-01&to=2025-12-31"));
        analysis["region"]!.GetValue<string>().ShouldBe("140824");
        analysis["flow"]!["leads"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(1);
        var complaint = analysis["sources"]!.AsArray().Single(s => s!["key"]!.GetValue<string>() == "complaint");
        complaint!["cases"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(1);
        analysis["sources"]!.AsArray().Sum(s => s!["cases"]!.GetValue<long>()).ShouldBe(analysis["flow"]!["leads"]!.GetValue<long>());
        analysis["high_incidence"]!["marks"]!.AsArray().ShouldContain(m => m!["key"]!.GetValue<string>() == "N");
        // The filing deadline runs from the lead: pending until it is due.
        analysis["deadlines"]!.AsArray().ShouldContain(d => d!["name"]!.GetValue<string>() == "filing");

        // Outside the period, nothing.
        var before = await ApiHost.BodyAsync(await host.Client("official-jishan").GetAsync("/cases/analysis?from=2001-01-01&to=2001-12-31"));
        before["flow"]!["leads"]!.GetValue<long>().ShouldBe(0);
    }

    [Theory]
    [InlineData("/cases/analysis?from=2025-01-01", HttpStatusCode.UnprocessableEntity, "to")]
    [InlineData("/cases/analysis?from=2025-12-31&to=2025-01-01", HttpStatusCode.UnprocessableEntity, "to")]
    [InlineData("/cases/analysis?from=2025-01-01&to=2025-12-31&kind=shoes", HttpStatusCode.UnprocessableEntity, "kind")]
    [InlineData("/cases/analysis?from=2025-01-01&to=2025-12-31&by=region", HttpStatusCode.BadRequest, "by")]
    [InlineData("/cases/analysis?from=2025-01-01&to=2025-12-31&region=140823", HttpStatusCode.Forbidden, "region")]
    public async Task BadOrOutOfScopeParametersAreRefusedNamingThem(string path, HttpStatusCode status, string field)
    {
        var response = await host.Client("official-jishan").GetAsync(path);
        response.StatusCode.ShouldBe(status);
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe(field);
    }

    [Fact]
    public async Task OnlyOfficialsAndAuditorsReadIt()
    {
        (await host.Client("recorder-jishan").GetAsync("/cases/analysis?from=2025-01-01&to=2025-12-31")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await host.Client("auditor-jishan").GetAsync("/cases/analysis?from=2025-01-01&to=2025-12-31")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.Client(null).GetAsync("/cases/analysis?from=2025-01-01&to=2025-12-31")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
