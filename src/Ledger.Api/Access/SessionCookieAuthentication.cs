using System.Security.Claims;
using System.Text.Encodings.Web;
using Ledger.Application.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ledger.Api;

/// <summary>
/// Authenticates the web pages' session cookie (<see cref="CookieName"/>) against <see cref="WebSessions"/> on every
/// request: signing out, expiry and a revoked user take effect on the next request. The pages call the same endpoints
/// as any client, so the user's role and region apply to them exactly as to a bearer token.
/// </summary>
/// <remarks>Against cross-site request forgery: the cookie is SameSite=Strict, so another site's page never sends it;
/// and a request that changes anything (not GET or HEAD) is authenticated by the cookie only when it carries
/// <see cref="PageHeader"/>, which a cross-origin page cannot add without a CORS preflight this server never grants.</remarks>
public sealed class SessionCookieAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, WebSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LedgerSession";
    public const string CookieName = "ledger_session";
    public const string PageHeader = "X-Ledger-Page";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var secret) || string.IsNullOrEmpty(secret)) return AuthenticateResult.NoResult();
        if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method) && !Request.Headers.ContainsKey(PageHeader))
            return AuthenticateResult.Fail($"a request that changes something and is authenticated by the session cookie carries {PageHeader}");
        var user = await sessions.AuthenticateAsync(secret, Context.RequestAborted);
        if (user is null) return AuthenticateResult.Fail("the session is unknown, signed out or expired, or its user was revoked");
        return AuthenticateResult.Success(BearerTokenAuthentication.TicketFor(Context, user, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"ledger\"";
        return base.HandleChallengeAsync(properties);
    }
}
