using System.Net;

namespace Ledger.Api.Tests;

/// <summary>
/// Region scope both ways: a user reaches their region and what lies within it (a city's recorder reaches its
/// counties), never a region beside theirs or above it; a refusal writes nothing and reads nothing.
/// </summary>
public sealed class RegionScopeTests : IAsyncLifetime
{
    private readonly ApiHost host = new();
    private const string Jishan = "140824-2025-0200", Wenxi = "140823-2025-0200", Yuncheng = "140800-2025-0200";

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        await host.RegisterAsync(Jishan, "140824", "recorder-jishan");
        await host.RegisterAsync(Wenxi, "140823", "recorder-wenxi");
        await host.RegisterAsync(Yuncheng, "140800", "recorder-yuncheng");
    }

    public Task DisposeAsync() => host.DisposeAsync();

    private static object Evidence => new { on = "2025-03-05", description = "现场检查笔录" };

    [Theory]
    [InlineData("recorder-jishan", Jishan, true)]
    [InlineData("recorder-jishan", Wenxi, false)]      // beside
    [InlineData("recorder-jishan", Yuncheng, false)]   // above
    [InlineData("recorder-wenxi", Jishan, false)]
    [InlineData("recorder-yuncheng", Jishan, true)]    // a city reaches its counties
    [InlineData("recorder-yuncheng", Wenxi, true)]
    [InlineData("recorder-yuncheng", Yuncheng, true)]
    public async Task WritesReachTheRecordersRegionAndBelow(string recorder, string caseId, bool allowed)
    {
        var events = await host.CountAsync("ledger.events");
        var response = await host.PostAsync(recorder, $"/cases/{caseId}/evidence", Evidence);
        if (allowed)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            (await host.CountAsync("ledger.events")).ShouldBe(events + 1);
        }
        else
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            var (field, rule) = await ApiHost.ProblemAsync(response);
            field.ShouldBe("case");
            rule.ShouldContain("outside your scope");
            (await host.CountAsync("ledger.events")).ShouldBe(events);
        }
    }

    [Theory]
    [InlineData("official-jishan", Jishan, true)]
    [InlineData("official-jishan", Wenxi, false)]
    [InlineData("official-jishan", Yuncheng, false)]
    [InlineData("official-yuncheng", Jishan, true)]
    [InlineData("official-yuncheng", Yuncheng, true)]
    [InlineData("auditor-jishan", Wenxi, false)]
    [InlineData("auditor-shanxi", Wenxi, true)]
    [InlineData("auditor-national", Yuncheng, true)]
    public async Task ReadsReachTheReadersRegionAndBelowAndOnlyAllowedReadsAreRecorded(string reader, string caseId, bool allowed)
    {
        var reads = await host.CountAsync("ledger.case_reads");
        var response = await host.Client(reader).GetAsync($"/cases/{caseId}");
        response.StatusCode.ShouldBe(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
        (await host.CountAsync("ledger.case_reads")).ShouldBe(reads + (allowed ? 1 : 0));
    }

    [Fact]
    public async Task ListsAndTotalsDefaultToTheCallersRegionAndRefuseOthers()
    {
        var own = await host.Client("official-jishan").GetFromJsonObjectAsync("/cases");
        own["cases"]!.AsArray().Select(c => c!["case_id"]!.GetValue<string>()).ShouldBe([Jishan]);
        var city = await host.Client("official-yuncheng").GetFromJsonObjectAsync("/cases");
        city["total"]!.GetValue<long>().ShouldBe(3);
        var county = await host.Client("official-yuncheng").GetFromJsonObjectAsync("/cases?region=140823");
        county["cases"]!.AsArray().Select(c => c!["case_id"]!.GetValue<string>()).ShouldBe([Wenxi]);

        foreach (var path in new[] { "/cases?region=140823", "/cases?region=140800", "/cases?region=140000",
                     "/totals?from=2025-01-01&to=2025-12-31&region=140800", "/totals?from=2025-01-01&to=2025-12-31&region=140823" })
        {
            var response = await host.Client("official-jishan").GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            (await ApiHost.ProblemAsync(response)).Field.ShouldBe("region");
        }
        (await host.Client("official-yuncheng").GetAsync("/totals?from=2025-01-01&to=2025-12-31&region=140824")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task NoCaseIsStartedOrMovedOutsideTheRecordersRegion()
    {
        var events = await host.CountAsync("ledger.events");
        var elsewhere = await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead("140823-2025-0300", "140823"));
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var above = await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead("140800-2025-0300", "140800"));
        above.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var moved = await host.PostAsync("recorder-jishan", $"/cases/{Jishan}/correction", new { on = "2025-03-06", reason = "登记错误", region = "140823" });
        moved.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ApiHost.ProblemAsync(moved)).Field.ShouldBe("region");
        (await host.CountAsync("ledger.events")).ShouldBe(events);

        // Within the region it may be corrected: a city's recorder moves a case between two of its counties.
        var within = await host.PostAsync("recorder-yuncheng", $"/cases/{Jishan}/correction", new { on = "2025-03-06", reason = "管辖更正", region = "140823" });
        within.StatusCode.ShouldBe(HttpStatusCode.OK, await within.Content.ReadAsStringAsync());
        (await host.Client("official-jishan").GetAsync($"/cases/{Jishan}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
