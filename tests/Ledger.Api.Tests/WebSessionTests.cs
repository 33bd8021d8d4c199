using System.Net;
using Ledger.Application.Access;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Ledger.Api.Tests;

/// <summary>
/// The web pages' sessions (migrations/0014, WebPages): a token exchanged for an HttpOnly, SameSite=Strict cookie of
/// which only the hash is stored; signing out, expiry and revoking the user end it on the next request; a cookie never
/// authenticates a write without the pages' header; the sign-in page redirects only within the pages.
/// </summary>
public sealed class WebSessionTests(ApiHost host) : IClassFixture<ApiHost>
{
    private HttpClient Browser() => host.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private async Task<(HttpResponseMessage Response, string? Cookie)> SignInAsync(string token, string? returnTo = null)
    {
        var fields = new Dictionary<string, string> { ["token"] = token };
        if (returnTo is not null) fields["return"] = returnTo;
        var response = await Browser().PostAsync("/ui/sign-in", new FormUrlEncodedContent(fields));
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Single() : null;
        return (response, cookie);
    }

    private static string Pair(string setCookie) => setCookie.Split(';')[0];

    private async Task<HttpStatusCode> SessionStatusAsync(string cookiePair)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/session");
        request.Headers.Add("Cookie", cookiePair);
        return (await Browser().SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task ATokenBuysAStrictHttpOnlyCookieOfWhichOnlyTheHashIsKept()
    {
        var (response, cookie) = await SignInAsync(host.TokenOf("official-yuncheng"), "/ui/cockpit?region=140824");
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.OriginalString.ShouldBe("/ui/cockpit?region=140824");
        cookie.ShouldNotBeNull();
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldContain("path=/");
        cookie.ShouldNotContain(host.TokenOf("official-yuncheng"));
        (await SessionStatusAsync(Pair(cookie))).ShouldBe(HttpStatusCode.OK);

        var secret = Pair(cookie).Split('=', 2)[1];
        await using var command = host.Db.Owner.CreateCommand("select count(*) from ledger.web_sessions s where row_to_json(s)::text like '%' || $1 || '%'");
        command.Parameters.Add(new NpgsqlParameter { Value = secret });
        ((long)(await command.ExecuteScalarAsync())!).ShouldBe(0, "the secret itself is never stored");
    }

    [Fact]
    public async Task UnderTlsTheCookieIsSecureAndWithoutItNot()
    {
        var tls = host.Factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost"),
        });
        var response = await tls.PostAsync("/ui/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = host.TokenOf("official-jishan") }));
        response.Headers.GetValues("Set-Cookie").Single().ShouldContain("secure", Case.Insensitive);
        (await SignInAsync(host.TokenOf("official-jishan"))).Cookie!.ShouldNotContain("secure", Case.Insensitive);
    }

    [Fact]
    public async Task ScriptsAndStylesAreServedToAnyoneThePagesOnlyComposedBehindSignIn()
    {
        var anonymous = Browser();
        var script = await anonymous.GetAsync("/ui/assets/cockpit.js");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        var etag = script.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/assets/cockpit.js");
        again.Headers.IfNoneMatch.Add(etag);
        (await anonymous.SendAsync(again)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await anonymous.GetAsync("/ui/assets/cockpit.html")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await anonymous.GetAsync("/ui/assets/..%2Fmigrations")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var page = await anonymous.GetAsync("/ui/cockpit");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.OriginalString.ShouldBe("/ui/sign-in?return=%2Fui%2Fcockpit");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("13")]
    [InlineData("-1")]
    public void ASessionLifetimeOutOfRangeStopsTheApiFromStarting(string hours)
    {
        using var factory = host.Factory.WithWebHostBuilder(web => web.UseSetting("Ledger:SessionHours", hours));
        Should.Throw<InvalidOperationException>(() => factory.CreateClient()).Message.ShouldContain("Ledger:SessionHours");
    }

    [Theory]
    [InlineData("//evil.example/ui/cockpit")]
    [InlineData("https://evil.example/")]
    [InlineData("/totals")]
    [InlineData("/ui/\\evil")]
    public async Task SignInRedirectsOnlyToThePages(string returnTo)
    {
        var (response, _) = await SignInAsync(host.TokenOf("official-jishan"), returnTo);
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.OriginalString.ShouldBe("/ui/");
    }

    [Theory]
    [InlineData("official-jishan", "/ui/cockpit")]
    [InlineData("auditor-jishan", "/ui/cockpit")]
    [InlineData("recorder-jishan", "/ui/cases")]
    [InlineData("approver-jishan", "/ui/cases")]
    [InlineData("publisher-jishan", "/ui/publications")]
    [InlineData(null, "/ui/sign-in")]
    public async Task EachRoleLandsOnTheFirstPageItMayOpen(string? user, string home)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/");
        if (user is not null) request.Headers.Add("Cookie", Pair((await SignInAsync(host.TokenOf(user))).Cookie!));
        var response = await Browser().SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe(home);
    }

    [Fact]
    public async Task AnUnknownTokenOrNoneOrNoFormIsRefusedAndOpensNoSession()
    {
        var before = await host.CountAsync("ledger.web_sessions");
        (await SignInAsync("ldg_unknown")).Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SignInAsync("   ")).Response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Browser().PostAsync("/ui/sign-in", ApiHost.Json(new { token = host.TokenOf("official-jishan") }))).StatusCode
            .ShouldBe(HttpStatusCode.UnsupportedMediaType);
        var page = await (await SignInAsync("<script>alert(1)</script>")).Response.Content.ReadAsStringAsync();
        page.ShouldNotContain("<script>alert");
        (await host.CountAsync("ledger.web_sessions")).ShouldBe(before);
    }

    [Fact]
    public async Task ACookieAuthenticatesAWriteOnlyWithThePagesHeader()
    {
        var (_, cookie) = await SignInAsync(host.TokenOf("recorder-jishan"));
        var events = await host.CountAsync("ledger.mt_events");
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/cases") { Content = ApiHost.Json(ApiHost.Lead("140824-2025-0901", "140824")) };
        forged.Headers.Add("Cookie", Pair(cookie!));
        forged.Headers.Add("Idempotency-Key", "web-session-forged");
        (await Browser().SendAsync(forged)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.CountAsync("ledger.mt_events")).ShouldBe(events);

        using var fromPage = new HttpRequestMessage(HttpMethod.Post, "/cases") { Content = ApiHost.Json(ApiHost.Lead("140824-2025-0902", "140824")) };
        fromPage.Headers.Add("Cookie", Pair(cookie!));
        fromPage.Headers.Add("Idempotency-Key", "web-session-page");
        fromPage.Headers.Add(SessionCookieAuthentication.PageHeader, "1");
        (await Browser().SendAsync(fromPage)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task SigningOutOrRevokingTheUserEndsTheSessionOnTheNextRequest()
    {
        var (_, first) = await SignInAsync(host.TokenOf("auditor-jishan"));
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/ui/sign-out");
        signOut.Headers.Add("Cookie", Pair(first!));
        var response = await Browser().SendAsync(signOut);
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.GetValues("Set-Cookie").Single().ShouldContain("expires=Thu, 01 Jan 1970", Case.Insensitive);
        (await SessionStatusAsync(Pair(first!))).ShouldBe(HttpStatusCode.Unauthorized);

        var users = new ApiUsers(host.Db.Owner, NodaTime.SystemClock.Instance);
        var issued = await users.AddAsync("auditor-to-revoke", Role.Auditor, null, null, "test");
        var (_, second) = await SignInAsync(issued.Token);
        (await SessionStatusAsync(Pair(second!))).ShouldBe(HttpStatusCode.OK);
        await users.RevokeAsync("auditor-to-revoke", "test");
        (await SessionStatusAsync(Pair(second!))).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ASessionEndsWhenItExpires()
    {
        var sessions = new WebSessions(host.App, new ApiUsers(host.App, NodaTime.SystemClock.Instance));
        var opened = await sessions.SignInAsync(host.TokenOf("official-jishan"), NodaTime.Duration.FromMilliseconds(200));
        (await sessions.AuthenticateAsync(opened!.Secret)).ShouldNotBeNull();
        await Task.Delay(400);
        (await sessions.AuthenticateAsync(opened.Secret)).ShouldBeNull();
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => sessions.SignInAsync(host.TokenOf("official-jishan"), NodaTime.Duration.FromHours(13)));
    }

    [Theory]
    [InlineData("delete from ledger.web_sessions")]
    [InlineData("truncate ledger.web_sessions")]
    [InlineData("update ledger.web_sessions set expires_at = expires_at + interval '1 day'")]
    public async Task SessionsAreKeptWhenTheyEndEvenForTheOwner(string sql)
    {
        await SignInAsync(host.TokenOf("official-jishan"));
        await using var command = host.Db.Owner.CreateCommand(sql);
        (await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync())).SqlState.ShouldBe("LE003");
    }
}
