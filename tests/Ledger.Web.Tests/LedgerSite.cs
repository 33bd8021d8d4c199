using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Ledger.Application;
using Ledger.Application.Access;
using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.Integrity;
using Ledger.Integrity.Signing;
using Ledger.Simulation.Reference;
using Ledger.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using NodaTime;

namespace Ledger.Web.Tests;

/// <summary>The page tests share one site: loading the reference dataset is most of their time.</summary>
[CollectionDefinition(Name)]
public sealed class SiteCollection : ICollectionFixture<LedgerSite>
{
    public const string Name = "site";
}

/// <summary>
/// The reference dataset loaded into a fresh database, served by the API on Kestrel (a real port on loopback), and
/// Debian's Chromium driven by Playwright; shared by every page test. Users: one per role and scope a test needs.
/// </summary>
public sealed class LedgerSite : IAsyncLifetime
{
    public static readonly (string Name, Role Role, string Scope)[] People =
    [
        ("official-national", Role.Official, "national"),
        ("auditor-national", Role.Auditor, "national"),
        ("official-nei-mongol", Role.Official, "150000"),
        ("official-xincheng", Role.Official, "150102"),
        ("recorder-xincheng", Role.Recorder, "150102"),
        ("official-jishan", Role.Official, "140824"),
        ("publisher-nei-mongol", Role.Publisher, "150000"),
        ("publisher-xincheng", Role.Publisher, "150102"),
    ];

    private readonly Dictionary<string, string> tokens = [];
    private WebApplication app = null!;
    private IPlaywright playwright = null!;

    private const string LogOrigin = "ledger.test/pages";
    private readonly string keyDirectory = Path.Combine(Path.GetTempPath(), $"ledger-web-keys-{Guid.NewGuid():N}");

    public TestDatabase Db { get; private set; } = null!;
    /// <summary>The public key of the key that signed the site's checkpoint, as an auditor would be given it.</summary>
    public string PublicKeyPem { get; private set; } = "";
    /// <summary>Some other bureau's public key.</summary>
    public string OtherPublicKeyPem { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    /// <summary>Where each page test leaves its screenshots (kept as test artefacts).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        var store = LedgerEvents.Store(Db.App);
        var dataset = ReferenceDataset.Generate();
        var loader = new ReferenceLoader(store, SystemClock.Instance);
        await loader.LoadAsync(dataset);
        await loader.LoadTypicalListsAsync(dataset);
        await new ProjectionRunner(store, new PenaltyTotalsProjection(store)).CatchUpAsync();
        // The verifiable log over every event, and a checkpoint signed with a key of the test's own: dossiers need both.
        Directory.CreateDirectory(keyDirectory);
        var signer = CheckpointKeyFiles.Create(Path.Combine(keyDirectory, "checkpoint.pem"), SignatureSuite.EcdsaP256);
        PublicKeyPem = signer.PublicKey.Pem;
        OtherPublicKeyPem = CheckpointKeyFiles.Create(Path.Combine(keyDirectory, "other.pem"), SignatureSuite.EcdsaP256).PublicKey.Pem;
        var log = new MerkleLog(Db.App);
        await log.EnsureCreatedAsync(LogOrigin, signer.Suite);
        (await log.CheckpointAsync(signer, LogOrigin)).ShouldNotBeNull();

        var users = new ApiUsers(Db.Owner, SystemClock.Instance);
        foreach (var (name, role, scope) in People)
            tokens[name] = (await users.AddAsync(name, role, ApiUsers.ParseScope(scope), null, "test")).Token;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(Ledger.Api.LedgerApi).Assembly.GetName().Name });
        builder.Configuration["Ledger:Connection"] = Db.App.ConnectionString;
        builder.Configuration["Ledger:BackgroundSeconds"] = "0";
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = Ledger.Api.LedgerApi.Build(builder);
        await app.StartAsync();
        BaseUrl = app.Urls.Single().TrimEnd('/');

        Directory.CreateDirectory(ScreenshotDirectory);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath(), Headless = true });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await Db.DisposeAsync();
        Directory.Delete(keyDirectory, recursive: true);
    }

    public string TokenOf(string name) => tokens[name];

    /// <summary>Debian's Chromium (ops/install-chromium installs it), or LEDGER_CHROMIUM.</summary>
    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_CHROMIUM");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        foreach (var candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" })
            if (File.Exists(candidate)) return candidate;
        throw new InvalidOperationException("no Chromium: run ops/install-chromium (Debian's chromium package) or set LEDGER_CHROMIUM");
    }

    /// <summary>What <c>GET path</c> answers <paramref name="user"/> with a bearer token: the page's figures are compared with it.</summary>
    public async Task<(int Status, JsonObject? Body)> ApiAsync(string user, string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenOf(user));
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    /// <summary>A fresh browser context signed in as <paramref name="user"/> through the sign-in page, with every console
    /// error and uncaught exception of its pages collected in <see cref="SignedIn.Errors"/>.</summary>
    public async Task<SignedIn> SignInAsync(string user, string returnTo = "/ui/")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, Locale = "zh-CN", TimezoneId = "Asia/Shanghai", AcceptDownloads = true });
        var signedIn = new SignedIn(context);
        var page = await signedIn.NewPageAsync();
        await page.GotoAsync($"/ui/sign-in?return={Uri.EscapeDataString(returnTo)}");
        await page.FillAsync("#token", TokenOf(user));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/ui/sign-in"));
        return signedIn;
    }
}

/// <summary>A signed-in browser context; <see cref="Errors"/> holds its pages' console errors and uncaught exceptions.</summary>
public sealed class SignedIn(IBrowserContext context) : IAsyncDisposable
{
    private readonly List<IPage> pages = [];

    public IBrowserContext Context { get; } = context;
    public List<string> Errors { get; } = [];
    public IPage Page => pages[0];

    public async Task<IPage> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") Errors.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
        // The console names no address for a failed load; this does.
        page.Response += (_, response) => { if (response.Status >= 400) Errors.Add($"response: {response.Status} {response.Url}"); };
        pages.Add(page);
        return page;
    }

    /// <summary>Opens the cockpit with <paramref name="query"/> and waits until its figures are shown or it reports a refusal.</summary>
    public Task<IPage> CockpitAsync(string query) => OpenAsync($"/ui/cockpit?{query}", "report");

    /// <summary>Opens <paramref name="address"/> and waits until the element <paramref name="contentId"/> is shown or the
    /// page reports a refusal.</summary>
    public async Task<IPage> OpenAsync(string address, string contentId)
    {
        await Page.GotoAsync(address);
        await ReadyAsync(contentId);
        return Page;
    }

    /// <summary>Waits until the element <paramref name="contentId"/> is shown or the page reports a refusal.</summary>
    public Task ReadyAsync(string contentId) => Page.WaitForFunctionAsync(
        "id => !document.getElementById(id).hidden || document.getElementById('status').classList.contains('error')", contentId);

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(LedgerSite.ScreenshotDirectory, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
