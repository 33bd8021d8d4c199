using System.Net;
using System.Threading.RateLimiting;
using Ledger.EventStore.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Ledger.Api;

/// <summary>
/// A caller whose role an endpoint is not for is told which roles it is for (the framework's own 403 says nothing);
/// a failed authentication counts against the client's allowance (<see cref="FailedAuthentications"/>).
/// </summary>
public sealed class AuthorizationRefusals(FailedAuthentications failures) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && result.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().FirstOrDefault() is { } roles)
        {
            var yours = http.Items[typeof(Application.Access.ApiUser)] is Application.Access.ApiUser caller ? CaseActionRoutes.Name(caller.Role) : "none";
            await Problems.Of(StatusCodes.Status403Forbidden, "role",
                $"this is for the role {string.Join(" or ", roles.AllowedRoles)}; yours is {yours}").ExecuteAsync(http);
            return;
        }
        // A token or a session cookie that was sent and not accepted; a request with neither is merely anonymous.
        if (result.Challenged && (http.Request.Headers.Authorization.Count > 0 || http.Request.Cookies.ContainsKey(SessionCookieAuthentication.CookieName)))
            failures.Count(http);
        await standard.HandleAsync(next, http, policy, result);
    }
}

/// <summary>
/// Failed authentications per client (its IP address; behind a reverse proxy, the forwarded one): a client may fail
/// <c>allowance</c> times in a row (<c>Ledger:AuthFailureAllowance</c>, 20), then once per <c>refill</c>
/// (<c>Ledger:AuthFailureRefillSeconds</c>, 3). A client out of allowance is answered 429 with Retry-After before its
/// token is looked at, so guessing tokens costs the guesser time and the database nothing. Successful requests never
/// count. Kept in memory: per node, forgotten on restart.
/// </summary>
public sealed class FailedAuthentications : IDisposable
{
    private readonly int allowance;
    private readonly TimeSpan refill;
    private readonly PartitionedRateLimiter<string> limiter;

    public FailedAuthentications(int allowance = 20, TimeSpan? refill = null)
    {
        if (allowance < 1) throw new InvalidOperationException($"Ledger:AuthFailureAllowance is {allowance}: a client is allowed at least one failed authentication");
        this.allowance = allowance;
        this.refill = refill ?? TimeSpan.FromSeconds(3);
        if (this.refill <= TimeSpan.Zero) throw new InvalidOperationException($"Ledger:AuthFailureRefillSeconds is {this.refill.TotalSeconds}: it is more than 0");
        limiter = PartitionedRateLimiter.Create<string, string>(client =>
            RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = this.allowance,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = this.refill,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>From configuration (<c>Ledger:AuthFailureAllowance</c>, <c>Ledger:AuthFailureRefillSeconds</c>).</summary>
    public static FailedAuthentications From(IConfiguration configuration) => new(
        configuration.GetValue("Ledger:AuthFailureAllowance", 20),
        TimeSpan.FromSeconds(configuration.GetValue("Ledger:AuthFailureRefillSeconds", 3.0)));

    private static string ClientOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Counts a failed authentication of the request's client.</summary>
    public void Count(HttpContext http)
    {
        using var _ = limiter.AttemptAcquire(ClientOf(http));
    }

    /// <summary>Whether the request's client has used up its allowance.</summary>
    public bool IsExhausted(HttpContext http) => limiter.GetStatistics(ClientOf(http))?.CurrentAvailablePermits == 0;

    /// <summary>Answers a client out of allowance before anything else looks at its request; everyone else passes.</summary>
    public async Task GuardAsync(HttpContext http, RequestDelegate next)
    {
        // Liveness needs no credentials, so it answers whoever asks.
        if (IsExhausted(http) && http.Request.Path != "/health")
        {
            var seconds = (int)Math.Ceiling(refill.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problems.Of(StatusCodes.Status429TooManyRequests, "Authorization",
                $"too many failed authentications from your address ({allowance} in a row); one more is allowed every {seconds} s").ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    public void Dispose() => limiter.Dispose();
}

/// <summary>
/// Answers a request the database could not serve (it is down, restarting or unreachable) with 503 and Retry-After
/// instead of a 500: nothing was written, and the client may try again when it is back (Npgsql's pool reconnects).
/// A request whose client went away is dropped quietly: that is no server error.
/// </summary>
public sealed class DatabaseUnavailable : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested) return true;
        if (!DatabaseErrors.IsUnreachable(exception)) return false;
        // After a restart of the server every idle pooled connection is dead and would fail its next request in turn:
        // dropping them now lets the next requests open fresh ones.
        http.RequestServices.GetService<NpgsqlDataSource>()?.Clear();
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        await Problems.Of(StatusCodes.Status503ServiceUnavailable, "database", "the ledger's database cannot be reached just now; nothing was written, try again shortly").ExecuteAsync(http);
        return true;
    }
}
