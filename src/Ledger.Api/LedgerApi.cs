using System.Diagnostics;
using Ledger.Application;
using Ledger.Application.Access;
using Ledger.Application.Totals;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.Integrity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using NodaTime;
using Npgsql;

namespace Ledger.Api;

/// <summary>
/// The API's settings, from configuration (section <c>Ledger</c>; environment <c>Ledger__Connection</c> and so on):
/// the application role's connection string (and a hot standby's, for reads), and the background work's key, origin and pace.
/// </summary>
public sealed record LedgerApiSettings(
    string Connection, string? SigningKeyPath, string Origin, TimeSpan BackgroundInterval, TimeSpan CheckpointInterval,
    string? ReadConnection = null, TimeSpan? ReadWait = null)
{
    public static LedgerApiSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Ledger");
        var connection = section["Connection"];
        if (string.IsNullOrWhiteSpace(connection))
            throw new InvalidOperationException("Ledger:Connection is not configured (set Ledger__Connection, or run `ledger serve`, which sets it)");
        return new LedgerApiSettings(
            connection,
            string.IsNullOrWhiteSpace(section["SigningKey"]) ? null : section["SigningKey"],
            string.IsNullOrWhiteSpace(section["Origin"]) ? "ledger.local" : section["Origin"]!,
            TimeSpan.FromSeconds(section.GetValue("BackgroundSeconds", 2.0)),
            TimeSpan.FromSeconds(section.GetValue("CheckpointSeconds", 60.0)),
            string.IsNullOrWhiteSpace(section["ReadConnection"]) ? null : section["ReadConnection"],
            TimeSpan.FromMilliseconds(section.GetValue("ReadWaitMilliseconds", 500.0)));
    }
}

/// <summary>Builds the ledger's HTTP API on ASP.NET Core minimal APIs.</summary>
public static class LedgerApi
{
    private const string AnyCallerScheme = "LedgerCaller";

    /// <summary>Registers the ledger's services and the API's security, and returns the app with every endpoint mapped.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => LedgerApiSettings.From(sp.GetRequiredService<IConfiguration>()));
        // The event store, the command handlers and Wolverine, as every process of the ledger composes them.
        builder.AddLedger(() => LedgerApiSettings.From(builder.Configuration).Connection);
        // Wolverine tells of its agents, listeners and node assignments at Information; the request log is what an
        // operator reads at that level, so Wolverine speaks up only for warnings and errors.
        builder.Logging.AddFilter("Wolverine", LogLevel.Warning);
        builder.Logging.AddFilter("JasperFx", LogLevel.Warning);
        services.AddSingleton<MerkleLog>();
        services.AddSingleton<ApiUsers>();
        services.AddSingleton<CaseReadLog>();
        services.AddSingleton(CreateReadRouting);
        services.AddSingleton<LedgerBackgroundWork>();
        // Not a hosted service of every node: an agent Wolverine runs on one node of the database at a time.
        services.AddSingleton<LedgerBackgroundAgent>();
        services.AddSingleton<Wolverine.Runtime.Agents.IAgentFamily>(sp => sp.GetRequiredService<LedgerBackgroundAgent>());

        services.AddSingleton<WebSessions>();
        services.AddSingleton(sp => FailedAuthentications.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationRefusals>();
        services.AddExceptionHandler<RefusalProblems>();
        services.AddExceptionHandler<DatabaseUnavailable>();

        // A request with an Authorization header (or without the pages' cookie) is a bearer-token client; otherwise the
        // session cookie of the web pages authenticates it. Either way the same user, role and region.
        services.AddAuthentication(AnyCallerScheme)
            .AddPolicyScheme(AnyCallerScheme, null, policy => policy.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.Count == 0 && http.Request.Cookies.ContainsKey(SessionCookieAuthentication.CookieName)
                    ? SessionCookieAuthentication.SchemeName
                    : BearerTokenAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenAuthentication>(BearerTokenAuthentication.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, SessionCookieAuthentication>(SessionCookieAuthentication.SchemeName, null);
        // Every endpoint, including readiness and the OpenAPI document, needs a valid token or session; only liveness
        // (/health), the sign-in page and the pages' assets say otherwise (WebPages).
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        // The API's JSON (ApiJson) for typed results too, and so for the response schemas OpenAPI describes.
        services.ConfigureHttpJsonOptions(json => ApiJson.Apply(json.SerializerOptions));
        services.AddProblemDetails();
        services.AddOpenApi();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes);
        Listening.ConfigureForwardedHeaders(services, builder.Configuration);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseStatusCodePages();
        var requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ledger.Api.Requests");
        app.Use((http, next) => LogRequestAsync(requests, http, next));
        // Inside the request log, so a refusal or an unreachable database is logged with the status it was answered with.
        app.UseExceptionHandler();
        app.Use(app.Services.GetRequiredService<FailedAuthentications>().GuardAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        var routing = app.Services.GetRequiredService<ReadRouting>();
        app.Use(routing.RouteAsync);

        CaseCommandEndpoints.Map(app);
        CaseReadEndpoints.Map(app);
        TotalsEndpoints.Map(app);
        IntegrityEndpoints.Map(app);
        TypicalEndpoints.Map(app);
        WebPages.Map(app);
        app.MapOpenApi();
        // Liveness: answers without a token and without the database, so a probe restarts the process only when the
        // process itself is stuck (readiness says whether the database serves).
        app.MapGet("/health", () => Results.Json(new { status = "ok" })).WithName("health").WithTags("operations")
            .WithSummary("The process is up (no token needed; the database is not asked)").AllowAnonymous();
        app.MapGet("/ready", ReadyAsync).WithName("ready").WithTags("operations")
            .WithSummary("The database answers and is migrated; how far the log is");
        return app;
    }

    /// <summary>The API on a free port of 127.0.0.1 with <paramref name="settings"/> (<c>Ledger:Connection</c> and so on),
    /// started, logging only errors (or nothing, when <paramref name="silent"/>: a drill that kills the database expects
    /// them): what the benchmarks and drills drive over HTTP.</summary>
    public static async Task<WebApplication> StartOnLoopbackAsync(IReadOnlyDictionary<string, string?> settings, bool silent = false, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        // Only failures are logged: a 500 in a run is a bug to see, not a number to average.
        if (!silent) builder.Logging.AddSimpleConsole().AddFilter(level => level >= LogLevel.Error);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = Build(builder);
        await app.StartAsync(ct);
        return app;
    }

    /// <summary>Reads go to the primary, or to the hot standby of <c>Ledger:ReadConnection</c> (<see cref="ReadRouting"/>).</summary>
    private static ReadRouting CreateReadRouting(IServiceProvider services)
    {
        var settings = services.GetRequiredService<LedgerApiSettings>();
        var clock = services.GetRequiredService<IClock>();
        var primary = new ReadSide("primary", services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<LedgerEventStore>(), clock);
        ReadSide? replica = null;
        if (settings.ReadConnection is { } readConnection)
        {
            var dataSource = LedgerDatabase.CreateDataSource(readConnection);
            replica = new ReadSide("replica", dataSource, LedgerEvents.Store(dataSource, clock), clock);
        }
        return new ReadRouting(primary, replica, settings.ReadWait ?? TimeSpan.FromMilliseconds(500), services.GetRequiredService<ILogger<ReadRouting>>());
    }

    private static async Task<IResult> ReadyAsync(NpgsqlDataSource dataSource, LedgerBackgroundAgent background, CancellationToken ct)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "select to_regclass('ledger.case_reads') is not null, (select coalesce(max(position), 0) from ledger.events), " +
                "(select tree_size from ledger.merkle_log), (select max(tree_size) from ledger.merkle_checkpoints)");
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (!reader.GetBoolean(0))
                return Results.Json(new { status = "not migrated" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            return Results.Json(new
            {
                status = "ready",
                last_position = reader.GetInt64(1),
                log_size = reader.IsDBNull(2) ? (long?)null : reader.GetInt64(2),
                latest_checkpoint_size = reader.IsDBNull(3) ? (long?)null : reader.GetInt64(3),
                // Whether this node runs the totals, the log and the checkpoints now (one node of the database does).
                background_here = background.Status == JasperFx.AgentStatus.Running,
            });
        }
        catch (NpgsqlException e)
        {
            return Results.Json(new { status = "database unavailable", detail = e.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>One structured log record per request: method, route, status, milliseconds, user and role (never the token).</summary>
    private static async Task LogRequestAsync(ILogger logger, HttpContext http, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            var user = http.Items[typeof(ApiUser)] as ApiUser;
            // A client that went away before its answer is logged as nginx logs it, 499 (client closed request): not the
            // 200 the response never carried, and no error of ours.
            var status = (http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted) || http.Items.ContainsKey(RequestBody.ClientClosedRequestKey)
                ? 499 : http.Response.StatusCode;
            logger.LogInformation("{Method} {Path} {Status} {ElapsedMs:0.0} ms user={User} role={Role} trace={TraceId}",
                http.Request.Method, http.Request.Path.Value, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                user?.Name ?? "-", user is null ? "-" : CaseActionRoutes.Name(user.Role), http.TraceIdentifier);
        }
    }
}
