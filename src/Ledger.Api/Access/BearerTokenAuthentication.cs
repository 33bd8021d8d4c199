using System.Security.Claims;
using System.Text.Encodings.Web;
using Ledger.Application.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ledger.Api;

/// <summary>
/// Authenticates <c>Authorization: Bearer ldg_…</c> against <see cref="ApiUsers"/> on every request, so a revoked
/// token stops working on the next request. The user rides along in <see cref="HttpContext.Items"/> for endpoints.
/// </summary>
public sealed class BearerTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiUsers users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LedgerToken";
    private const string RegionClaim = "ledger_region";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0) return AuthenticateResult.NoResult();
        var text = header.Count == 1 ? header[0] ?? "" : "";
        if (!text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("the Authorization header is not a bearer token");
        var user = await users.AuthenticateAsync(text["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (user is null) return AuthenticateResult.Fail("unknown or revoked token");

        return AuthenticateResult.Success(TicketFor(Context, user, SchemeName));
    }

    /// <summary>The ticket of an authenticated <paramref name="user"/>, who also rides along in <see cref="HttpContext.Items"/>.</summary>
    internal static AuthenticationTicket TicketFor(HttpContext http, ApiUser user, string scheme)
    {
        http.Items[typeof(ApiUser)] = user;
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.UserId.ToString()),
            new Claim(ClaimTypes.Name, user.Name),
            new Claim(ClaimTypes.Role, CaseActionRoutes.Name(user.Role)),
            new Claim(RegionClaim, user.ScopeLabel),
        ], scheme);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), scheme);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"ledger\"";
        return base.HandleChallengeAsync(properties);
    }
}

public static class CallerExtensions
{
    /// <summary>The authenticated user (every endpoint requires one).</summary>
    public static ApiUser Caller(this HttpContext http) =>
        http.Items[typeof(ApiUser)] as ApiUser ?? throw new InvalidOperationException("an endpoint ran without an authenticated user");
}
