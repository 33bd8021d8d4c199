using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Ledger.Web.Tests;

/// <summary>
/// The dossier verifier runs in the browser (WebCrypto): it accepts a case's dossier as downloaded, with the key that
/// signed the checkpoint, and rejects an edited dossier naming the event, a missing event, a forged checkpoint and
/// another bureau's key.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class VerifyPageTests(LedgerSite site)
{
    private const string ShoeShop = "140824-2025-0012";

    /// <summary>Downloads the case's dossier through the page, as an auditor does, and returns the saved file's text.</summary>
    private static async Task<string> DownloadAsync(IPage page)
    {
        await page.FillAsync("#fetch input[name=purpose]", "案卷核验");
        await page.ClickAsync("#fetch button[type=submit]");
        await page.WaitForSelectorAsync("#download:not([hidden])");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        download.SuggestedFilename.ShouldBe($"dossier-{ShoeShop}.json");
        return await File.ReadAllTextAsync((await download.PathAsync())!);
    }

    /// <summary>Checks <paramref name="dossier"/> with <paramref name="publicKey"/> on the page; the verdict and each check.</summary>
    private static async Task<(bool Ok, string[] Failures)> CheckAsync(IPage page, string dossier, string publicKey)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dossier-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, dossier);
        try
        {
            await page.SetInputFilesAsync("#dossier-file", file);
            await page.FillAsync("#public-key", publicKey);
            await page.EvalOnSelectorAsync("#verdict", "v => v.removeAttribute('data-ok')");
            await page.ClickAsync("#check button[type=submit]");
            await page.WaitForSelectorAsync("#verdict[data-ok]");
            var ok = await page.GetAttributeAsync("#verdict", "data-ok") == "true";
            var failures = await page.Locator("#checks li[data-ok='false']").AllTextContentsAsync();
            return (ok, [.. failures]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AnUntouchedDossierIsAcceptedAndAnEditedOneIsRejectedNamingTheEvent()
    {
        await using var browser = await site.SignInAsync("auditor-national");
        var page = await browser.OpenAsync($"/ui/verify?id={ShoeShop}", "check");
        var text = await DownloadAsync(page);
        var (_, api) = await site.ApiAsync("auditor-national", $"/cases/{ShoeShop}/dossier");
        JsonNode.Parse(text)!["events"]!.AsArray().Count.ShouldBe(api!["events"]!.AsArray().Count);

        var (ok, failures) = await CheckAsync(page, text, site.PublicKeyPem);
        failures.ShouldBeEmpty();
        ok.ShouldBeTrue();
        (await page.Locator("#checks li[data-ok='true']").CountAsync()).ShouldBe(3, "signature, chain, inclusion");
        await browser.ScreenshotAsync("verify-accepted");

        // One amount in the third event's data, changed: that event is named, nothing else fails.
        var edited = JsonNode.Parse(text)!;
        var data = edited["events"]![2]!["data"]!.GetValue<string>();
        var changed = data.Contains("6410") ? data.Replace("6410", "6400") : data.Replace("\"", "\"x", StringComparison.Ordinal);
        changed.ShouldNotBe(data);
        edited["events"]![2]!["data"] = changed;
        (ok, failures) = await CheckAsync(page, edited.ToJsonString(), site.PublicKeyPem);
        ok.ShouldBeFalse();
        failures.Length.ShouldBe(1, string.Join(" | ", failures));
        failures[0].ShouldContain("第 3 个事件（版本 3");
        failures[0].ShouldContain("哈希");
        await browser.ScreenshotAsync("verify-rejected");

        // An event removed: the one after the gap no longer links.
        var shortened = JsonNode.Parse(text)!;
        shortened["events"]!.AsArray().RemoveAt(1);
        (ok, failures) = await CheckAsync(page, shortened.ToJsonString(), site.PublicKeyPem);
        ok.ShouldBeFalse();
        failures.ShouldContain(f => f.Contains("第 2 个事件（版本 3") && f.Contains("previous_hash"));
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task AForgedCheckpointOrAnotherBureausKeyIsRejected()
    {
        await using var browser = await site.SignInAsync("auditor-national");
        var page = await browser.OpenAsync($"/ui/verify?id={ShoeShop}", "check");
        var text = await DownloadAsync(page);

        var (ok, failures) = await CheckAsync(page, text, site.OtherPublicKeyPem);
        ok.ShouldBeFalse();
        failures.ShouldContain(f => f.Contains("不是您信任的密钥"));

        // The signed note claims a larger tree: the signature no longer covers it.
        var forged = JsonNode.Parse(text)!;
        var note = forged["checkpoint"]!["note"]!.GetValue<string>();
        var size = long.Parse(note.Split('\n')[3]["size: ".Length..]);
        forged["checkpoint"]!["note"] = note.Replace($"size: {size}\n", $"size: {size + 1}\n");
        (ok, failures) = await CheckAsync(page, forged.ToJsonString(), site.PublicKeyPem);
        ok.ShouldBeFalse();
        failures.ShouldContain(f => f.Contains("签名无效"));
        browser.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task OnlyAuditorsOpenTheVerifier()
    {
        await using var official = await site.SignInAsync("official-national");
        (await official.Page.GotoAsync("/ui/verify"))!.Status.ShouldBe(403);
        official.Errors.Where(e => !e.Contains("403")).ShouldBeEmpty();
    }
}
