using System.Net;
using Ledger.EventStore.Hosting;
using Ledger.Testing;

namespace Ledger.Api.Tests;

/// <summary>
/// What operators and attackers meet: liveness that needs neither token nor database, readiness and every other
/// endpoint answering 503 while the database refuses (and serving again when it is back, without a restart), and
/// failed authentications limited per client.
/// </summary>
public sealed class ProbesAndLimitsTests : IAsyncLifetime
{
    private readonly ApiHost host = new() { Settings = [("Ledger:AuthFailureAllowance", "5"), ("Ledger:AuthFailureRefillSeconds", "2")] };

    public Task InitializeAsync() => host.InitializeAsync();

    public Task DisposeAsync() => host.DisposeAsync();

    private HttpClient WithToken(string token)
    {
        var client = host.Client(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return client;
    }

    [Fact]
    public async Task AClientThatKeepsFailingToAuthenticateIsAnswered429UntilItsAllowanceRefills()
    {
        var guesser = WithToken("ldg_guess");
        for (var i = 0; i < 5; i++) (await guesser.GetAsync("/cases")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"guess {i + 1}");

        var refused = await guesser.GetAsync("/cases");
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(2));
        (await ApiHost.ProblemAsync(refused)).Field.ShouldBe("Authorization");
        // Out of allowance, the client's next guess is not even looked at: a right token from it waits too.
        (await host.Client("official-jishan").GetAsync("/cases")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        // A failed sign-in on the pages counts the same.
        (await host.Client(null).PostAsync("/ui/sign-in", new FormUrlEncodedContent([new("token", "ldg_guess")]))).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        // Liveness answers whoever asks.
        (await guesser.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // One failure's worth comes back every 2 s.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        (await host.Client("official-jishan").GetAsync("/cases")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SuccessfulRequestsNeverCountAgainstTheAllowance()
    {
        var official = host.Client("official-jishan");
        for (var i = 0; i < 20; i++) (await official.GetAsync("/cases")).StatusCode.ShouldBe(HttpStatusCode.OK);
        // An anonymous request is no failed authentication either.
        for (var i = 0; i < 10; i++) (await host.Client(null).GetAsync("/cases")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await official.GetAsync("/cases")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task WhileTheDatabaseRefusesConnectionsRequestsAre503AndLivenessStillAnswers()
    {
        var official = host.Client("official-jishan");
        (await official.GetAsync("/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using var admin = LedgerDatabase.CreateDataSource(await TestServer.AdminConnectionAsync());
        await ExecuteAsync(admin, $"alter database {host.Db.Name} connection limit 0");
        await ExecuteAsync(admin, $"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{host.Db.Name}' and pid <> pg_backend_pid()");
        try
        {
            foreach (var path in new[] { "/ready", "/cases", "/totals?from=2025-01-01&to=2025-12-31" })
            {
                var response = await official.GetAsync(path);
                response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, path);
                response.Headers.RetryAfter.ShouldNotBeNull(path);
                (await ApiHost.ProblemAsync(response)).Field.ShouldBe("database", path);
            }
            var command = await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead("140824-2025-0500", "140824"));
            command.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await host.Client(null).GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await ExecuteAsync(admin, $"alter database {host.Db.Name} connection limit -1");
        }

        // Back, without restarting the API.
        (await official.GetAsync("/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.PostAsync("recorder-jishan", "/cases", ApiHost.Lead("140824-2025-0500", "140824"))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    private static async Task ExecuteAsync(Npgsql.NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
