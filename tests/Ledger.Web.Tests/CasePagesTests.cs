using System.Text.Json.Nodes;
using Ledger.Application.Cases;

namespace Ledger.Web.Tests;

/// <summary>
/// The case pages in a real browser over the reference dataset: the list is the API's list, a case's timeline is its
/// history, a version and an instant show what the API shows for them, the diff names what changed, every read is in
/// the read log with the purpose given, and nobody reaches a case outside their region.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class CasePagesTests(LedgerSite site)
{
    /// <summary>稷山县's shoe shop (seed 002), recorded in full: twelve events.</summary>
    private const string ShoeShop = "140824-2025-0012";

    [Fact]
    public async Task ACasesTimelineIsItsHistoryAndEveryReadIsLoggedWithItsPurpose()
    {
        const string purpose = "年度执法案卷评查";
        await using var browser = await site.SignInAsync("auditor-national");
        var page = await browser.OpenAsync($"/ui/case?id={ShoeShop}&purpose={Uri.EscapeDataString(purpose)}", "case");
        var (status, history) = await site.ApiAsync("auditor-national", $"/cases/{ShoeShop}/history");
        status.ShouldBe(200);
        var events = history!["events"]!.AsArray();
        var rows = page.Locator("#timeline tbody tr");
        (await rows.CountAsync()).ShouldBe(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i]!;
            var row = rows.Nth(i);
            (await row.GetAttributeAsync("data-version")).ShouldBe(e["version"]!.GetValue<long>().ToString());
            (await row.Locator("[data-type]").TextContentAsync()).ShouldBe(e["type"]!.GetValue<string>());
            (await row.Locator("[data-recorded-at]").GetAttributeAsync("data-recorded-at")).ShouldBe(e["recorded_at"]!.GetValue<string>());
            (await row.Locator("td.hash").GetAttributeAsync("title")).ShouldBe(e["hash"]!.GetValue<string>());
            (await row.TextContentAsync())!.ShouldContain(e["actor"]!.GetValue<string>());
        }
        // Recorded instants are shown in Beijing time: 03:58:59Z is 11:58:59.
        (await rows.Nth(0).Locator("[data-recorded-at]").TextContentAsync()).ShouldBe("2025-02-19 11:58:59");
        await browser.ScreenshotAsync("case-timeline");

        var (_, reads) = await site.ApiAsync("auditor-national", $"/audit/reads?case_id={ShoeShop}&user=auditor-national&limit=50");
        var logged = reads!["reads"]!.AsArray().Where(r => r!["purpose"]?.GetValue<string>() == purpose).Select(r => r!["endpoint"]!.GetValue<string>()).ToList();
        logged.ShouldContain("GET /cases/{id}");
        logged.ShouldContain("GET /cases/{id}/history");
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task AVoidedStepStaysInTheTimelineStruckThroughWithTheVersionThatVoidedIt()
    {
        // A lead of 新城区 filed on a wrong date, the filing voided by the head of the bureau (a case of this test's own).
        const string caseId = "150102-2025-0901";
        var handler = new Ledger.Application.Cases.CaseCommandHandler(Ledger.Application.LedgerEvents.Store(site.Db.App), NodaTime.SystemClock.Instance);
        var n = 0;
        Task Send(Ledger.Domain.CaseCommand command) =>
            handler.HandleAsync(new Ledger.Application.Cases.CommandEnvelope(caseId, "recorder-xincheng", $"void-page-{++n}"), command);
        await Send(new Ledger.Domain.CaseCommand.RegisterLead(new NodaTime.LocalDate(2025, 3, 3), Ledger.Domain.LeadSource.Inspection, "检查发现销售假冒口罩",
            Ledger.Domain.RegionCode.Parse("150102"), Ledger.Domain.CaseKind.TrademarkInfringement,
            new Ledger.Domain.Party(Ledger.Domain.PartyKind.Organisation, "某药房有限公司"), null, new NodaTime.LocalDate(2025, 3, 1), [], []));
        await Send(new Ledger.Domain.CaseCommand.FileCase(new NodaTime.LocalDate(2025, 3, 20), "15010200001", ["商标法第五十七条第三项"]));
        await Send(new Ledger.Domain.CaseCommand.VoidStep(new NodaTime.LocalDate(2025, 3, 21), 2, "立案日期登记错误", "15010200001"));

        await using var browser = await site.SignInAsync("auditor-national");
        var page = await browser.OpenAsync($"/ui/case?id={caseId}", "case");
        var voided = page.Locator("#timeline tbody tr[data-version='2']");
        (await voided.GetAttributeAsync("class"))!.Split(' ').ShouldContain("voided");
        (await voided.Locator(".voided-by").TextContentAsync()).ShouldBe("（已由第 3 版作废）");
        (await page.Locator("#timeline tbody tr.voided").CountAsync()).ShouldBe(1);
        var (_, history) = await site.ApiAsync("auditor-national", $"/cases/{caseId}/history");
        history!["events"]![1]!["voided_by"]!.GetValue<long>().ShouldBe(3);
        // The case reads as the lead it is again.
        (await page.TextContentAsync("#facts dd[data-path='status']"))!.ShouldContain("（lead）");
        await browser.ScreenshotAsync("case-timeline-voided");
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task AVersionAndAnInstantShowWhatTheApiShowsAndTheDiffNamesWhatChanged()
    {
        await using var browser = await site.SignInAsync("auditor-national");
        var page = await browser.OpenAsync($"/ui/case?id={ShoeShop}&version=1", "case");
        var (_, first) = await site.ApiAsync("auditor-national", $"/cases/{ShoeShop}?version=1");
        (await page.GetAttributeAsync("#timeline tr.current", "data-version")).ShouldBe("1");
        (await page.TextContentAsync("#facts dd[data-path='status']"))!.ShouldContain($"（{first!["state"]!["status"]!.GetValue<string>()}）");
        (await page.Locator("#facts dd[data-path='filed_on']").CountAsync()).ShouldBe(0, "at version 1 the case is a lead, not yet filed");

        // As of an instant: before the filing (2025-02-20) the case was still a lead.
        var asOf = Uri.EscapeDataString("2025-02-19T23:00+08:00");
        page = await browser.OpenAsync($"/ui/case?id={ShoeShop}&asOf={asOf}", "case");
        var (_, then) = await site.ApiAsync("auditor-national", $"/cases/{ShoeShop}?asOf={asOf}");
        (await page.TextContentAsync("#seen"))!.ShouldContain($"版本 {then!["version"]!.GetValue<long>()}");
        (await page.InputValueAsync("input[name=asOf]")).ShouldBe("2025-02-19T23:00");

        // The diff from version 1 to now lists the status and the closing date among what changed, and nothing that did not.
        page = await browser.OpenAsync($"/ui/case?id={ShoeShop}&from=1&to=12", "case");
        await page.WaitForSelectorAsync("#diff tbody tr");
        var changed = await page.Locator("#diff tbody tr[data-path]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.path)");
        changed.ShouldContain("status");
        changed.ShouldContain("closed_on");
        changed.ShouldNotContain("kind");
        var (_, last) = await site.ApiAsync("auditor-national", $"/cases/{ShoeShop}?version=12");
        (await page.Locator("#diff tr[data-path='closed_on'] td").Nth(1).TextContentAsync()).ShouldBe(last!["state"]!["closed_on"]!.GetValue<string>());
        await browser.ScreenshotAsync("case-diff");
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheCaseListIsTheApisListAndLeadsToEachCase()
    {
        await using var browser = await site.SignInAsync("official-national");
        var page = await browser.OpenAsync("/ui/cases?region=150100&status=closed", "list");
        var (_, list) = await site.ApiAsync("official-national", "/cases?region=150100&status=closed&limit=50");
        var expected = list!["cases"]!.AsArray().Select(c => c!["case_id"]!.GetValue<string>()).ToArray();
        expected.Length.ShouldBeGreaterThan(0);
        (await page.Locator("#cases-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.case)")).ShouldBe(expected);
        (await page.TextContentAsync("#count"))!.ShouldContain($"共 {list["total"]!.GetValue<long>()} 件");
        // Regions with their names.
        (await page.TextContentAsync($"#cases-table tr[data-case='{expected[0]}'] td[data-region]"))!.ShouldMatch(@"^1501\d\d .+");
        await browser.ScreenshotAsync("cases-list");

        await page.ClickAsync($"#cases-table a >> text={expected[0]}");
        await page.WaitForURLAsync(url => url.Contains($"/ui/case?id={expected[0]}"));
        await browser.ReadyAsync("case");
        (await page.TextContentAsync("#seen"))!.ShouldStartWith(expected[0]);
        // An official reads cases but not their histories: the page says so instead of failing.
        (await page.IsVisibleAsync("#timeline-note")).ShouldBeTrue();
        (await page.Locator("#timeline tr").CountAsync()).ShouldBe(0);
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task NobodyOpensACaseOutsideTheirRegion()
    {
        await using var browser = await site.SignInAsync("official-xincheng");
        var page = await browser.OpenAsync($"/ui/case?id={ShoeShop}", "case");
        (await page.IsHiddenAsync("#case")).ShouldBeTrue();
        // Another region's case answers as a missing one (404): its number tells them nothing.
        (await page.TextContentAsync("#status"))!.ShouldContain("404");
        (await page.Locator("#facts dd").CountAsync()).ShouldBe(0);
        page = await browser.OpenAsync("/ui/cases?region=140824", "list");
        (await page.IsHiddenAsync("#list")).ShouldBeTrue();
        (await page.TextContentAsync("#status"))!.ShouldContain("403");
        browser.Errors.Where(e => !e.Contains("403") && !e.Contains("404")).ShouldBeEmpty();

        await using var jishan = await site.SignInAsync("official-jishan");
        page = await jishan.OpenAsync($"/ui/case?id={ShoeShop}", "case");
        (await page.IsVisibleAsync("#case")).ShouldBeTrue();
        jishan.Errors.ShouldBeEmpty();
    }
}
