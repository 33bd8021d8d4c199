using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Ledger.Application.Access;
using Microsoft.AspNetCore.Authentication;
using NodaTime;

namespace Ledger.Api;

/// <summary>
/// The web pages of <c>ledger serve</c> under <c>/ui</c> (issue 25): sign-in and sign-out, the cockpit (驾驶舱), the
/// published figures, the case pages, the dossier verifier and the publications. The pages are plain HTML and ES
/// modules embedded in this assembly, composed here into one layout; what they show comes from the API's own endpoints
/// (<c>GET /totals</c>, <c>GET /cases…</c>, <c>GET /typical…</c>), called with the session cookie, so a page shows
/// exactly what the API answers that user.
/// </summary>
public static class WebPages
{
    /// <summary>How long a session lasts unless <c>Ledger:SessionHours</c> says otherwise: a working day.</summary>
    private static readonly Duration DefaultSessionLifetime = Duration.FromHours(8);

    // Scripts only from this server; ECharts sets inline styles on the elements it draws, hence style-src 'unsafe-inline';
    // images as data: URLs are the charts saved as PNG.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>The pages behind sign-in: their file, title, and the roles that may open them — those the API lets read
    /// what the page shows (docs/api.md, the endpoint table).</summary>
    private static readonly (string Name, string Title, Role[] Roles)[] SignedInPages =
    [
        ("cockpit", "驾驶舱", [Role.Official, Role.Auditor]),
        ("figures", "已发布数字", [Role.Official, Role.Auditor]),
        ("cases", "案件", CaseReadEndpoints.CaseReaders),
        ("case", "案件详情", CaseReadEndpoints.CaseReaders),
        // Dossiers are the auditors' (GET /cases/{id}/dossier); the checks themselves run in the browser.
        ("verify", "案卷核验", [Role.Auditor]),
        ("publications", "典型案例发布", TypicalEndpoints.Readers),
    ];

    private static readonly FrozenDictionary<string, (string ContentType, byte[] Bytes, string ETag)> Assets = LoadAssets();

    public static void Map(WebApplication app)
    {
        var lifetime = SessionLifetime(app.Configuration);
        app.MapGet("/", () => Results.Redirect("/ui/")).AllowAnonymous().ExcludeFromDescription();
        var ui = app.MapGroup("/ui").WithTags("pages").ExcludeFromDescription();
        ui.MapGet("/", (Delegate)HomeAsync).AllowAnonymous();
        ui.MapGet("/sign-in", (HttpContext http) => SignInPage(http, message: null, StatusCodes.Status200OK)).AllowAnonymous();
        ui.MapPost("/sign-in", (HttpContext http, WebSessions sessions) => SignInAsync(http, sessions, lifetime)).AllowAnonymous().DisableAntiforgery();
        ui.MapPost("/sign-out", SignOutAsync).AllowAnonymous().DisableAntiforgery();
        ui.MapGet("/session", (HttpContext http) =>
        {
            var user = http.Caller();
            return Results.Json(new { name = user.Name, role = CaseActionRoutes.Name(user.Role), scope = user.ScopeLabel });
        });
        foreach (var (name, title, roles) in SignedInPages)
            ui.MapGet($"/{name}", (Delegate)((HttpContext http) => SignedInPageAsync(http, name, title, roles))).AllowAnonymous();
        ui.MapGet("/assets/{name}", (HttpContext http, string name) =>
        {
            // Scripts and styles only: the pages themselves are served composed, behind sign-in.
            if (name.EndsWith(".html", StringComparison.Ordinal) || !Assets.TryGetValue(name, out var asset)) return Results.NotFound();
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "no-cache";
            if (http.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
            http.Response.Headers.ETag = asset.ETag;
            return Results.Bytes(asset.Bytes, asset.ContentType);
        }).AllowAnonymous();
    }

    /// <summary><c>Ledger:SessionHours</c>, checked when the API starts: a value out of range stops it rather than being
    /// replaced by another.</summary>
    private static Duration SessionLifetime(IConfiguration configuration)
    {
        var hours = configuration.GetValue("Ledger:SessionHours", DefaultSessionLifetime.TotalHours);
        var lifetime = Duration.FromHours(hours);
        return lifetime > Duration.Zero && lifetime <= WebSessions.MaxLifetime
            ? lifetime
            : throw new InvalidOperationException(
                $"Ledger:SessionHours is {hours}: a session lasts more than 0 and at most {WebSessions.MaxLifetime.TotalHours} hours");
    }

    private static async Task<IResult> SignInAsync(HttpContext http, WebSessions sessions, Duration lifetime)
    {
        if (!http.Request.HasFormContentType) return SignInPage(http, "请通过登录页面提交令牌。", StatusCodes.Status415UnsupportedMediaType);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var token = form["token"].Count == 1 ? form["token"][0]?.Trim() ?? "" : "";
        if (token.Length == 0) return SignInPage(http, "请填写令牌（token）：由 ledger users add 发放，以 ldg_ 开头。", StatusCodes.Status400BadRequest);
        var session = await sessions.SignInAsync(token, lifetime, http.RequestAborted);
        if (session is null)
        {
            http.RequestServices.GetRequiredService<FailedAuthentications>().Count(http);
            return SignInPage(http, "令牌无效或已被撤销（token: unknown or revoked）。", StatusCodes.Status401Unauthorized);
        }
        http.Response.Cookies.Append(SessionCookieAuthentication.CookieName, session.Secret, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            Expires = session.ExpiresAt.ToDateTimeOffset(),
            IsEssential = true,
        });
        return SeeOther(http, LocalReturn(form["return"].Count == 1 ? form["return"][0] : null));
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, WebSessions sessions)
    {
        if (http.Request.Cookies.TryGetValue(SessionCookieAuthentication.CookieName, out var secret) && !string.IsNullOrEmpty(secret))
            await sessions.SignOutAsync(secret, http.RequestAborted);
        http.Response.Cookies.Delete(SessionCookieAuthentication.CookieName, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/",
        });
        return SeeOther(http, "/ui/sign-in");
    }

    /// <summary>303: after a form's POST, the browser GETs the next page (a 302 would leave the method to the browser).</summary>
    private static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>Where a user lands: the first page their role may open (officials and auditors the cockpit, case
    /// workers the cases, publishers the publications); sign-in when no one is signed in.</summary>
    private static async Task<IResult> HomeAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync();
        if (!result.Succeeded || http.Items[typeof(ApiUser)] is not ApiUser user) return Results.Redirect("/ui/sign-in");
        return Results.Redirect($"/ui/{SignedInPages.First(p => p.Roles.Contains(user.Role)).Name}");
    }

    /// <summary>The page for a signed-in user of one of <paramref name="roles"/>; anyone else is sent to sign in (no
    /// session) or told which roles the page is for (403).</summary>
    private static async Task<IResult> SignedInPageAsync(HttpContext http, string name, string title, Role[] roles)
    {
        var result = await http.AuthenticateAsync();
        if (!result.Succeeded || http.Items[typeof(ApiUser)] is not ApiUser user)
            return Results.Redirect("/ui/sign-in?return=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
        if (!roles.Contains(user.Role))
            return Page(http, MessagePage(title,
                    $"{title}供{string.Join("、", roles.Select(RoleName))}使用；您的角色是{RoleName(user.Role)}。"),
                StatusCodes.Status403Forbidden);
        var content = AssetText("header.html").Replace("{{title}}", HtmlEncoder.Default.Encode(title)) + AssetText($"{name}.html");
        return Page(http, Layout(title, content, script: $"/ui/assets/{name}.js"), StatusCodes.Status200OK);
    }

    /// <summary>A role as the bureau says it, with the name the API and <c>ledger users add</c> use.</summary>
    private static string RoleName(Role role) => role switch
    {
        Role.Recorder => "办案人员",
        Role.Reviewer => "法制审核人员",
        Role.Approver => "负责人",
        Role.Auditor => "审计人员",
        Role.Official => "领导",
        Role.Publisher => "发布人员",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "a role without a name"),
    } + $"（{CaseActionRoutes.Name(role)}）";

    /// <summary>Only a path of this server's pages: anything else (another host, a scheme, "//") would make the sign-in
    /// page an open redirect.</summary>
    private static string LocalReturn(string? target) =>
        target is { Length: > 0 and < 2000 } && target.StartsWith("/ui/", StringComparison.Ordinal) && !target.Contains('\\')
        && !target.StartsWith("//", StringComparison.Ordinal) && target.All(c => !char.IsControl(c))
            ? target
            : "/ui/";

    private static IResult SignInPage(HttpContext http, string? message, int status)
    {
        var returnTo = LocalReturn(http.Request.Query["return"].Count == 1 ? http.Request.Query["return"][0] : null);
        var content = AssetText("sign-in.html")
            .Replace("{{message}}", message is null ? "" : $"<p class=\"error\" role=\"alert\">{HtmlEncoder.Default.Encode(message)}</p>")
            .Replace("{{return}}", HtmlEncoder.Default.Encode(returnTo));
        return Page(http, Layout("登录", content, script: null, narrow: true), status);
    }

    private static string MessagePage(string title, string message) => Layout(title,
        AssetText("message.html").Replace("{{title}}", HtmlEncoder.Default.Encode(title)).Replace("{{message}}", HtmlEncoder.Default.Encode(message)),
        script: null, narrow: true);

    /// <summary>A whole page: the shared head (styles, favicon, title) around <paramref name="content"/>, which is trusted
    /// markup of our own with every value already encoded.</summary>
    private static string Layout(string title, string content, string? script, bool narrow = false) => AssetText("layout.html")
        .Replace("{{title}}", HtmlEncoder.Default.Encode(title))
        .Replace("{{script}}", script is null ? "" : $"<script type=\"module\" src=\"{script}\"></script>\n")
        .Replace("{{body_class}}", narrow ? " class=\"narrow\"" : "")
        .Replace("{{content}}", content);

    private static IResult Page(HttpContext http, string html, int status)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    private static string AssetText(string name) => System.Text.Encoding.UTF8.GetString(Assets[name].Bytes);

    /// <summary>The pages and scripts embedded in this assembly (Ledger.Api.csproj names them), read once.</summary>
    private static FrozenDictionary<string, (string, byte[], string)> LoadAssets()
    {
        const string prefix = "ledger-web/";
        var assembly = typeof(WebPages).Assembly;
        var assets = new Dictionary<string, (string, byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" or ".mjs" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                var other => throw new InvalidOperationException($"embedded asset {name}: no content type for {other}"),
            };
            assets[name] = (type, bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
