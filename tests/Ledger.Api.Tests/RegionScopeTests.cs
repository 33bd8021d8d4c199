using System.Net;

namespace Ledger.Api.Tests;

/// <summary>
/// Region scope both ways: a user reaches their region and what lies within it (a city's recorder reaches its
/// counties), never a region beside theirs or above it; a refusal writes nothing and reads nothing. A case outside the
/// caller's scope answers exactly as a missing one does, so nobody learns by trying which numbers another region holds.
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
            var missing = await host.PostAsync(recorder, $"/cases/{caseId[..12]}9999/evidence", Evidence);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await ApiHost.ProblemAsync(response)).ShouldBe(("id", $"no case '{caseId}' is recorded in this ledger within your scope"));
            (await ApiHost.ProblemAsync(missing)).ShouldBe(("id", $"no case '{caseId[..12]}9999' is recorded in this ledger within your scope"));
            (await host.CountAsync("ledger.events")).ShouldBe(events);
        }
    }

    [Fact]
    public async Task ACaseOutsideTheScopeIsRefusedBeforeItsBodyIsJudged()
    {
        var events = await host.CountAsync("ledger.events");
        // A body that breaks rules (a date that is no date, a field nobody knows) draws the same 404 as a valid one.
        foreach (var body in new object[] { Evidence, new { on = "yesterday", description = "" }, new { colour = "blue" } })
        {
            var beside = await host.PostAsync("recorder-jishan", $"/cases/{Wenxi}/evidence", body);
            beside.StatusCode.ShouldBe(HttpStatusCode.NotFound, await beside.Content.ReadAsStringAsync());
            (await ApiHost.ProblemAsync(beside)).Field.ShouldBe("id");
        }
        // In scope, the same bad body is judged.
        var own = await host.PostAsync("recorder-jishan", $"/cases/{Jishan}/evidence", new { on = "yesterday", description = "现场检查笔录" });
        own.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ApiHost.ProblemAsync(own)).Field.ShouldBe("on");
        // A new case in another region is refused for its region before anything else in it is judged.
        var elsewhere = await host.PostAsync("recorder-jishan", "/cases", new { case_id = "140823-2025-0301", region = "140823", on = "no date" });
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ApiHost.ProblemAsync(elsewhere)).Field.ShouldBe("region");
        (await host.CountAsync("ledger.events")).ShouldBe(events);
    }

    [Fact]
    public async Task ACaseIsStartedOnlyUnderANumberThatBeginsWithItsRegion()
    {
        var events = await host.CountAsync("ledger.events");
        // 稷山县's recorder cannot use another county's number (and so cannot learn that 闻喜县 holds it).
        var othersNumber = await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead(Wenxi, "140824"));
        othersNumber.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var (field, rule) = await ApiHost.ProblemAsync(othersNumber);
        field.ShouldBe("case_id");
        rule.ShouldContain("begins with the code of its region");
        rule.ShouldNotContain("already");
        (await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead("2025-0301", "140824"))).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead("1408240-2025-0301", "140824"))).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await host.CountAsync("ledger.events")).ShouldBe(events);
        (await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead("140824-2025-0301", "140824"))).StatusCode.ShouldBe(HttpStatusCode.Created);
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
        response.StatusCode.ShouldBe(allowed ? HttpStatusCode.OK : HttpStatusCode.NotFound);
        if (!allowed)
        {
            (await ApiHost.ProblemAsync(response)).ShouldBe(("id", $"no case '{caseId}' is recorded in this ledger within your scope"));
            // An auditor's role reaches every read of a case: each answers the same 404 outside their region.
            if (reader.StartsWith("auditor", StringComparison.Ordinal))
                foreach (var path in new[] { "history", "redacted", "dossier" })
                    (await host.Client(reader).GetAsync($"/cases/{caseId}/{path}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }
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
        (await host.Client("official-jishan").GetAsync($"/cases/{Jishan}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
