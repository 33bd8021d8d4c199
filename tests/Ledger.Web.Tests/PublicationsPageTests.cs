using System.Security.Cryptography;

namespace Ledger.Web.Tests;

/// <summary>
/// The publications page over the reference dataset's Inner Mongolia 2020 list (two editions, one case withdrawn after
/// a reconsideration varied its fine): every edition as published, its bytes hashed in the browser against the recorded
/// SHA-256, the withdrawal, and nothing of another region for a county's publisher.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class PublicationsPageTests(LedgerSite site)
{
    [Fact]
    public async Task EveryEditionIsServedAsPublishedAndItsBytesMatchTheRecordedHash()
    {
        await using var browser = await site.SignInAsync("publisher-nei-mongol");
        var page = await browser.OpenAsync("/ui/publications?region=150000&year=2020", "selection");
        var (status, selection) = await site.ApiAsync("publisher-nei-mongol", "/typical/150000/2020");
        status.ShouldBe(200);
        var editions = selection!["editions"]!.AsArray();
        editions.Count.ShouldBe(2);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-check]')].every(c => c.dataset.verified)");
        var documents = 0;
        foreach (var edition in editions)
            foreach (var document in edition!["documents"]!.AsArray())
            {
                documents++;
                var key = $"{edition["edition"]}:{document!["format"]}";
                (await page.GetAttributeAsync($"[data-check='{key}']", "data-verified")).ShouldBe("true", key);
                // The page's verdict is about the very bytes the API serves.
                using var client = new HttpClient { BaseAddress = new Uri(site.BaseUrl) };
                client.DefaultRequestHeaders.Authorization = new("Bearer", site.TokenOf("publisher-nei-mongol"));
                var bytes = await client.GetByteArrayAsync($"/typical/150000/2020/editions/{edition["edition"]}?format={document["format"]}");
                Convert.ToHexStringLower(SHA256.HashData(bytes)).ShouldBe(document["sha256"]!.GetValue<string>(), key);
            }
        (await page.Locator("[data-check]").CountAsync()).ShouldBe(documents);
        (await page.TextContentAsync("#editions"))!.ShouldContain("第 2 版（更正）");
        (await page.Locator("#withdrawals tr[data-case='150602-2019-0010']").CountAsync()).ShouldBe(1);
        (await page.Locator("#cases li").CountAsync()).ShouldBe(selection["cases"]!.AsArray().Count);
        await browser.ScreenshotAsync("publications");
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task ACountysPublisherSeesNoOtherRegionsListAndARecorderNone()
    {
        await using var county = await site.SignInAsync("publisher-xincheng");
        var page = await county.OpenAsync("/ui/publications?region=150000&year=2020", "selection");
        (await page.IsHiddenAsync("#selection")).ShouldBeTrue();
        (await page.TextContentAsync("#status"))!.ShouldContain("403");
        county.Errors.Where(e => !e.Contains("403")).ShouldBeEmpty();

        await using var recorder = await site.SignInAsync("recorder-xincheng");
        (await recorder.Page.GotoAsync("/ui/publications"))!.Status.ShouldBe(403);
    }
}
