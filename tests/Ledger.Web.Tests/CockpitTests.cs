using System.Text.Json.Nodes;
using Ledger.Application.Totals;
using Microsoft.Playwright;

namespace Ledger.Web.Tests;

/// <summary>
/// The cockpit (驾驶舱) in a real browser over the reference dataset: its figures are the API's, the published figure is
/// reproduced as of its publication, drill-down sums, a county official reaches nothing beyond the county, the session
/// cookie is out of the scripts' reach, and no page logs an error.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class CockpitTests(LedgerSite site)
{
    private const string InnerMongolia2020Trademark = "region=150000&from=2020-01-01&to=2020-12-31&kind=trademark_infringement";
    private static readonly string[] Figures = ["cases", "case_value", "fines", "confiscations", "fines_and_confiscations", "transferred_to_police"];
    private static readonly string[] MoneyFigures = ["case_value", "fines", "confiscations", "fines_and_confiscations"];

    /// <summary>The headline figure the page shows: the exact yuan (money) or count it carries, and the text shown.</summary>
    private static async Task<(string Exact, string Shown)> HeadlineAsync(IPage page, string figure)
    {
        var value = page.Locator($"#headline [data-figure='{figure}'] dd");
        var exact = await value.GetAttributeAsync(MoneyFigures.Contains(figure) ? "data-yuan" : "data-value");
        return (exact!, (await value.TextContentAsync())!);
    }

    private static string ApiFigure(JsonNode line, string figure) =>
        MoneyFigures.Contains(figure) ? line[figure]!.GetValue<string>() : line[figure]!.GetValue<long>().ToString();

    [Fact]
    public async Task TheHeadlineFiguresAreWhatTheApiAnswersForTheSameFilters()
    {
        await using var browser = await site.SignInAsync("official-national");
        var page = await browser.CockpitAsync(InnerMongolia2020Trademark);
        var (status, api) = await site.ApiAsync("official-national", $"/totals?{InnerMongolia2020Trademark}");
        status.ShouldBe(200);
        foreach (var figure in Figures)
            (await HeadlineAsync(page, figure)).Exact.ShouldBe(ApiFigure(api!["total"]!, figure), figure);
        await browser.ScreenshotAsync("cockpit-inner-mongolia-2020-trademark");
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheProvisionsPanelIsTheApisSplitOfFinesAndConfiscationsByLegalBasis()
    {
        await using var browser = await site.SignInAsync("official-national");
        var page = await browser.CockpitAsync("region=150000&from=2020-01-01&to=2020-12-31");
        var (status, api) = await site.ApiAsync("official-national", "/totals?region=150000&from=2020-01-01&to=2020-12-31&by=provision");
        status.ShouldBe(200);
        var lines = api!["lines"]!.AsArray();
        lines.Select(l => l!["key"]!.GetValue<string>()).ShouldContain("trademark-infringement");
        (await page.Locator("#provisions-table tbody tr").CountAsync()).ShouldBe(lines.Count);
        foreach (var line in lines)
        {
            var row = page.Locator($"#provisions-table tbody tr[data-key='{line!["key"]!.GetValue<string>()}']");
            foreach (var figure in Figures)
            {
                var cell = row.Locator($"td[data-figure='{figure}']");
                var shown = MoneyFigures.Contains(figure) ? await cell.GetAttributeAsync("data-yuan") : await cell.GetAttributeAsync("data-value");
                shown.ShouldBe(ApiFigure(line, figure), $"{line["key"]} {figure}");
            }
        }
        // The lines' money adds up to the headline: every fine and confiscation is on exactly one line.
        var money = lines.Sum(l => decimal.Parse(l!["fines_and_confiscations"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        money.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture).ShouldBe((await HeadlineAsync(page, "fines_and_confiscations")).Exact);
        (await page.TextContentAsync("#provisions-table tbody tr[data-key='trademark-infringement'] th"))!.ShouldContain("商标法第六十条第二款");
        await page.Locator("[data-panel='provisions']").ScreenshotAsync(new() { Path = Path.Combine(LedgerSite.ScreenshotDirectory, "cockpit-provisions.png") });
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task AsOfItsPublicationTheCockpitShowsThePublishedFigure()
    {
        // 内蒙古 2020: 查处商标侵权案287件, 案值790.57万元, 罚没金额433.66万元 (shared/reference-figures.md), published 2021-02.
        await using var browser = await site.SignInAsync("official-nei-mongol");
        var page = await browser.CockpitAsync($"{InnerMongolia2020Trademark}&as_of={Uri.EscapeDataString("2021-02-01T00:00+08:00")}");
        (await HeadlineAsync(page, "cases")).Shown.ShouldBe("287件");
        (await HeadlineAsync(page, "case_value")).Shown.ShouldBe("790.57万元");
        (await HeadlineAsync(page, "fines_and_confiscations")).Shown.ShouldBe("433.66万元");
        (await HeadlineAsync(page, "case_value")).Exact.ShouldBe("7905700.00");
        (await page.Locator("#headline [data-figure='fines_and_confiscations'] dd").GetAttributeAsync("title")).ShouldBe("4,336,600.00 元");
        (await page.InputValueAsync("input[name=as_of]")).ShouldBe("2021-02-01T00:00");
        (await page.TextContentAsync("#basis"))!.ShouldContain("截至 2021-02-01T00:00:00+08:00");
        await browser.ScreenshotAsync("cockpit-as-of-publication");
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task ThePublishedFiguresAreOneClickAwayEachBesideTheLedgersAnswerAsOfItsPublication()
    {
        await using var browser = await site.SignInAsync("official-national");
        var page = await browser.CockpitAsync(InnerMongolia2020Trademark);
        await page.ClickAsync("#published-figures");
        await page.WaitForURLAsync(url => url.EndsWith("/ui/figures"));
        await browser.ReadyAsync("figures-panel");
        var (_, published) = await site.ApiAsync("official-national", "/reference/figures");
        var labels = published!["figures"]!.AsArray().Select(f => f!["label"]!.GetValue<string>()).ToList();
        labels.Count.ShouldBe(11);
        foreach (var label in labels)
            (await page.Locator($"#figures tr[data-figure='{label}'] td[data-matches]").CountAsync()).ShouldBeGreaterThan(0, label);
        // Every printed number is reproduced as of its publication.
        (await page.Locator("#figures td[data-matches='false']").CountAsync()).ShouldBe(0);
        (await page.Locator("#figures td[data-matches='true']").CountAsync()).ShouldBeGreaterThanOrEqualTo(labels.Count);
        await browser.ScreenshotAsync("published-figures");

        // And each opens in the cockpit as of its publication.
        await page.ClickAsync("#figures tr[data-figure='2020 trademark infringement'] a");
        await page.WaitForURLAsync(url => url.Contains("/ui/cockpit"));
        await browser.ReadyAsync("report");
        (await HeadlineAsync(page, "cases")).Shown.ShouldBe("287件");
        (await HeadlineAsync(page, "fines_and_confiscations")).Shown.ShouldBe("433.66万元");
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task DrillingDownFromProvinceToCityToCountyEachLevelSumsToItsHeadline()
    {
        await using var browser = await site.SignInAsync("official-national");
        var page = await browser.CockpitAsync("region=150000&from=2020-01-01&to=2020-12-31");
        await RowsSumToTheHeadlineAsync(page);
        await page.ClickAsync("#regions-table a[data-drill='150100']");
        await page.WaitForURLAsync(url => url.Contains("region=150100"));
        await page.WaitForFunctionAsync("() => !document.getElementById('report').hidden");
        await RowsSumToTheHeadlineAsync(page);
        (await page.TextContentAsync("#breadcrumb"))!.ShouldContain("内蒙古自治区");
        await browser.ScreenshotAsync("cockpit-city-hohhot");

        await page.ClickAsync("#regions-table a[data-drill='150102']");
        await page.WaitForURLAsync(url => url.Contains("region=150102"));
        await page.WaitForFunctionAsync("() => !document.getElementById('report').hidden");
        await RowsSumToTheHeadlineAsync(page);
        var (_, county) = await site.ApiAsync("official-national", "/totals?region=150102&from=2020-01-01&to=2020-12-31");
        (await HeadlineAsync(page, "cases")).Exact.ShouldBe(ApiFigure(county!["total"]!, "cases"));

        // The breadcrumb leads back up: province, then national.
        await page.ClickAsync("#breadcrumb a[data-region='150000']");
        await page.WaitForURLAsync(url => url.Contains("region=150000"));
        await page.WaitForFunctionAsync("() => !document.getElementById('report').hidden");
        var (_, province) = await site.ApiAsync("official-national", "/totals?region=150000&from=2020-01-01&to=2020-12-31");
        (await HeadlineAsync(page, "fines_and_confiscations")).Exact.ShouldBe(ApiFigure(province!["total"]!, "fines_and_confiscations"));
        await page.ClickAsync("#breadcrumb a[data-region='national']");
        await page.WaitForURLAsync(url => !url.Contains("region="));
        await page.WaitForFunctionAsync("() => !document.getElementById('report').hidden");
        (await page.Locator("#regions-table tbody tr").CountAsync()).ShouldBeGreaterThanOrEqualTo(2, "the nation's provinces");
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheSourceFlowAndHighIncidenceAnalysesAreTheApisAndAddUp()
    {
        await using var browser = await site.SignInAsync("official-national");
        var page = await browser.CockpitAsync("region=150000&from=2020-01-01&to=2020-12-31");
        var (status, analysis) = await site.ApiAsync("official-national", "/cases/analysis?region=150000&from=2020-01-01&to=2020-12-31");
        status.ShouldBe(200);
        async Task<Dictionary<string, long>> CountsAsync(string table) =>
            (await page.Locator($"#{table} tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.key, r.querySelector('td').dataset.value])"))
                .ToDictionary(r => r[0], r => long.Parse(r[1]));
        Dictionary<string, long> Expected(JsonNode list) => list.AsArray().ToDictionary(x => x!["key"]!.GetValue<string>(), x => x!["cases"]!.GetValue<long>());

        var sources = await CountsAsync("sources-table");
        sources.ShouldBe(Expected(analysis!["sources"]!));
        var flow = await CountsAsync("flow-table");
        foreach (var (key, cases) in flow) cases.ShouldBe(analysis["flow"]![key]!.GetValue<long>(), key);
        // Every lead of the period has one source, and has been filed, not filed or transferred as a lead.
        sources.Values.Sum().ShouldBe(flow["leads"]);
        (flow["filed"] + flow["not_filed"] + flow["leads_transferred"]).ShouldBe(flow["leads"]);
        (await CountsAsync("high-kinds-table")).Values.Sum().ShouldBe(flow["leads"]);
        (await CountsAsync("high-marks-table")).ShouldBe(Expected(analysis["high_incidence"]!["marks"]!));
        (await CountsAsync("high-regions-table")).ShouldBe(Expected(analysis["high_incidence"]!["regions"]!));
        var deadlineRows = await page.Locator("#deadlines-table tbody tr").CountAsync();
        deadlineRows.ShouldBe(analysis["deadlines"]!.AsArray().Count);
        deadlineRows.ShouldBeGreaterThan(0);
        await page.Locator("[data-panel='flow']").ScreenshotAsync(new() { Path = Path.Combine(LedgerSite.ScreenshotDirectory, "cockpit-flow.png") });
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task ClickingARegionsBarDrillsDownToIt()
    {
        await using var browser = await site.SignInAsync("official-national");
        var page = await browser.CockpitAsync("region=150000&from=2020-01-01&to=2020-12-31");
        // The bars are ranked by cases; the first is a city (the province's own bureau decided fewer cases).
        var first = await page.GetAttributeAsync("#regions-table tbody tr:first-child", "data-key");
        first.ShouldNotBe("150000");
        // The chart's plot area starts 60 px from either side; the first category's cases bar stands left of its centre
        // and, being the tallest, reaches above the middle of the chart: a click there lands on it.
        await page.Locator("#regions-chart").ScrollIntoViewIfNeededAsync();
        var box = (await page.Locator("#regions-chart").BoundingBoxAsync())!;
        var rows = await page.Locator("#regions-table tbody tr").CountAsync();
        var category = (box.Width - 120) / rows;
        // The canvas takes clicks once ECharts has drawn a frame; a click before that is not an error, so try again.
        for (var attempt = 1; ; attempt++)
        {
            await page.Mouse.ClickAsync(box.X + 60 + category * 0.5f - category * 0.2f, box.Y + box.Height / 2);
            try
            {
                await page.WaitForURLAsync(url => url.Contains($"region={first}"), new() { Timeout = 5_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
        await page.WaitForFunctionAsync("() => !document.getElementById('report').hidden");
        (await page.TextContentAsync("#basis"))!.ShouldStartWith(first!);
        browser.Errors.ShouldBeEmpty();
    }

    /// <summary>Each figure of the region table's rows, summed exactly, equals the headline.</summary>
    private static async Task RowsSumToTheHeadlineAsync(IPage page)
    {
        foreach (var figure in Figures)
        {
            var money = MoneyFigures.Contains(figure);
            var cells = await page.Locator($"#regions-table tbody td[data-figure='{figure}']").EvaluateAllAsync<string[]>(
                $"cells => cells.map(c => c.getAttribute('{(money ? "data-yuan" : "data-value")}'))");
            cells.Length.ShouldBeGreaterThan(0);
            var sum = cells.Sum(c => money ? decimal.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : long.Parse(c));
            var headline = decimal.Parse((await HeadlineAsync(page, figure)).Exact, System.Globalization.CultureInfo.InvariantCulture);
            sum.ShouldBe(headline, figure);
        }
    }

    [Fact]
    public async Task ACountyOfficialReachesNeitherAnotherCountysFiguresNorItsCity()
    {
        await using var browser = await site.SignInAsync("official-xincheng");
        // By address: the API refuses, the page says so and shows no figure.
        var page = await browser.CockpitAsync("region=150103&from=2020-01-01&to=2020-12-31");
        (await page.IsHiddenAsync("#report")).ShouldBeTrue();
        (await page.TextContentAsync("#status"))!.ShouldContain("403");
        (await page.Locator("#headline [data-figure]").CountAsync()).ShouldBe(0);
        await browser.ScreenshotAsync("cockpit-county-refused");
        // Nor with the session cookie straight at the API, for the county or the city above it.
        (await page.APIRequest.GetAsync("/totals?region=150103&from=2020-01-01&to=2020-12-31")).Status.ShouldBe(403);
        (await page.APIRequest.GetAsync("/totals?region=150100&from=2020-01-01&to=2020-12-31")).Status.ShouldBe(403);
        // Its own county is served, and its breadcrumb names no level above it.
        page = await browser.CockpitAsync("from=2020-01-01&to=2020-12-31");
        (await page.IsHiddenAsync("#report")).ShouldBeFalse();
        (await page.Locator("#breadcrumb a").CountAsync()).ShouldBe(0);
        var (_, own) = await site.ApiAsync("official-xincheng", "/totals?from=2020-01-01&to=2020-12-31");
        (await HeadlineAsync(page, "cases")).Exact.ShouldBe(ApiFigure(own!["total"]!, "cases"));
        (await page.Locator("#regions-table a[data-drill]").CountAsync()).ShouldBe(0);
        // The console shows the refused fetch as a failed resource load; nothing else may be logged.
        browser.Errors.Where(e => !e.Contains("403")).ShouldBeEmpty();
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlyAndStrictAndNoScriptHoldsTheToken()
    {
        await using var browser = await site.SignInAsync("auditor-national");
        var page = await browser.CockpitAsync(InnerMongolia2020Trademark);
        var cookie = (await browser.Context.CookiesAsync()).Single();
        cookie.Name.ShouldBe("ledger_session");
        cookie.HttpOnly.ShouldBeTrue();
        cookie.SameSite.ShouldBe(SameSiteAttribute.Strict);
        // Expires within the default eight hours, as a Unix time in seconds.
        (cookie.Expires - DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ShouldBeInRange(7 * 3600, 8 * 3600 + 60);
        (await page.EvaluateAsync<string>("() => document.cookie")).ShouldBe("");
        var stored = await page.EvaluateAsync<string>("() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])");
        stored.ShouldNotContain("ldg_");
        stored.ShouldNotContain("lds_");
        cookie.Value.ShouldNotContain(site.TokenOf("auditor-national"));
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task SigningOutEndsTheSessionOnTheServerNotOnlyInTheBrowser()
    {
        await using var browser = await site.SignInAsync("official-national");
        var page = await browser.CockpitAsync(InnerMongolia2020Trademark);
        var secret = (await browser.Context.CookiesAsync()).Single().Value;
        await page.ClickAsync("header form button[type=submit]");
        await page.WaitForURLAsync(url => url.Contains("/ui/sign-in"));
        (await browser.Context.CookiesAsync()).ShouldBeEmpty();
        // The old cookie, replayed, no longer authenticates.
        using var client = new HttpClient { BaseAddress = new Uri(site.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/session");
        request.Headers.Add("Cookie", $"ledger_session={secret}");
        ((int)(await client.SendAsync(request)).StatusCode).ShouldBe(401);
        // And the cockpit sends the browser to sign in again.
        await page.GotoAsync("/ui/cockpit");
        page.Url.ShouldContain("/ui/sign-in?return=");
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task AWrongTokenIsRefusedOnTheSignInPageAndARecorderIsNotShownTheCockpit()
    {
        var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.BaseUrl });
        await using var browser = new SignedIn(context);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/ui/cockpit");
        page.Url.ShouldContain("/ui/sign-in?return=%2Fui%2Fcockpit");
        await page.FillAsync("#token", "ldg_not-a-token");
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"), r => r.Url.EndsWith("/ui/sign-in"));
        response.Status.ShouldBe(401);
        (await page.TextContentAsync(".error"))!.ShouldContain("令牌无效");
        (await context.CookiesAsync()).ShouldBeEmpty();
        await browser.ScreenshotAsync("sign-in-refused");

        await using var recorder = await site.SignInAsync("recorder-xincheng");
        var refused = await recorder.Page.GotoAsync("/ui/cockpit");
        refused!.Status.ShouldBe(403);
        (await recorder.Page.TextContentAsync(".error"))!.ShouldContain("您的角色是办案人员（recorder）");
        browser.Errors.Where(e => !e.Contains("401")).ShouldBeEmpty();
        recorder.Errors.Where(e => !e.Contains("403")).ShouldBeEmpty();
    }

    [Fact]
    public async Task TheTrendTablesAreTheApisMonthsAndTheCsvCarriesExactYuan()
    {
        await using var browser = await site.SignInAsync("official-national");
        var page = await browser.CockpitAsync("region=150000&from=2020-01-01&to=2020-12-31");
        var (_, months) = await site.ApiAsync("official-national", "/totals?region=150000&from=2020-01-01&to=2020-12-31&by=month&compare=previous-year");
        var lines = months!["lines"]!.AsArray();
        (await page.Locator("#yoy-table tbody tr").CountAsync()).ShouldBe(lines.Count);
        (await page.Locator("#mom-table tbody tr").CountAsync()).ShouldBe(lines.Count);
        foreach (var line in lines)
        {
            var row = page.Locator($"#yoy-table tbody tr[data-key='{line!["key"]!.GetValue<string>()}'] td");
            (await row.Nth(0).GetAttributeAsync("data-value")).ShouldBe(line["cases"]!.GetValue<long>().ToString());
            (await row.Nth(1).GetAttributeAsync("data-value")).ShouldBe(line["compared"]!["cases"]!.GetValue<long>().ToString());
            (await row.Nth(4).GetAttributeAsync("data-yuan")).ShouldBe(line["compared"]!["fines_and_confiscations"]!.GetValue<string>());
        }

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-panel='regions'] .tools a[download$='.csv']"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var (_, regions) = await site.ApiAsync("official-national", "/totals?region=150000&from=2020-01-01&to=2020-12-31&by=region");
        foreach (var line in regions!["lines"]!.AsArray())
            csv.ShouldContain($"{line!["key"]},");
        csv.ShouldContain(regions["lines"]![0]!["fines_and_confiscations"]!.GetValue<string>());
        await browser.ScreenshotAsync("cockpit-trends");

        // By quarter: four rows, each the API's quarter against the same quarter a year before.
        page = await browser.CockpitAsync("region=150000&from=2020-01-01&to=2020-12-31&trend=quarter");
        var (_, quarters) = await site.ApiAsync("official-national", "/totals?region=150000&from=2020-01-01&to=2020-12-31&by=quarter&compare=previous-year");
        var quarterKeys = quarters!["lines"]!.AsArray().Select(l => l!["key"]!.GetValue<string>()).ToArray();
        quarterKeys.ShouldBe(["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4"]);
        (await page.Locator("#yoy-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)")).ShouldBe(quarterKeys);
        (await page.Locator("#mom-table tbody tr").CountAsync()).ShouldBe(4);
        (await page.GetAttributeAsync("#yoy-table tbody tr[data-key='2020-Q1'] td:nth-of-type(2)", "data-value"))
            .ShouldBe(quarters["lines"]![0]!["compared"]!["cases"]!.GetValue<long>().ToString());
        (await page.InputValueAsync("select[name=trend]")).ShouldBe("quarter");
        browser.Errors.ShouldBeEmpty();
    }
}
