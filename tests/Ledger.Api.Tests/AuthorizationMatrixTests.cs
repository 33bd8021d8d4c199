using System.Net;
using Ledger.Domain.Serialization;

namespace Ledger.Api.Tests;

/// <summary>
/// Given one user of each role, when each calls every endpoint, then exactly the roles the matrix below allows get
/// past authorization (anything but 403), everyone else gets 403 naming the roles the endpoint is for, nobody without a
/// valid token gets anything but 401 (liveness alone answers everyone), and nothing is written by any of it. The matrix is written out here, apart from the code it checks.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    // These tests send hundreds of bad tokens on purpose: the allowance of failed authentications is not what they test.
    private readonly ApiHost host = new() { Settings = [("Ledger:AuthFailureAllowance", "100000")] };
    private const string CaseId = "140824-2025-0100";

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        await host.RegisterAsync(CaseId, "140824", "recorder-jishan");
    }

    public Task DisposeAsync() => host.DisposeAsync();

    private static readonly string[] Roles = ["recorder", "reviewer", "approver", "auditor", "official", "publisher"];
    private static string UserOf(string role) => role switch
    {
        "recorder" => "recorder-jishan", "reviewer" => "reviewer-jishan", "approver" => "approver-jishan",
        "auditor" => "auditor-jishan", "official" => "official-jishan", _ => "publisher-jishan",
    };

    // The actions a bureau's head approves (filing, decisions and its own corrections of them, transfers, extensions, payment relief,
    // disputes, and voiding a step recorded wrongly).
    private static readonly HashSet<string> ApproverActions =
    [
        "decide_not_to_file", "extend_filing_period", "file_case", "extend_decision_period", "decide_penalty", "decide_no_penalty",
        "transfer_case", "withdraw_filing", "defer_payment", "grant_instalments", "accept_dispute", "adjudicate_dispute",
        "extend_goods_hold", "change_own_decision", "void_step",
    ];

    private static readonly (string Path, string[] Allowed)[] Reads =
    [
        ("/cases", ["recorder", "reviewer", "approver", "auditor", "official"]),
        ($"/cases/{CaseId}", ["recorder", "reviewer", "approver", "auditor", "official"]),
        ($"/cases/{CaseId}?version=1", ["recorder", "reviewer", "approver", "auditor", "official"]),
        ($"/cases/{CaseId}/history", ["recorder", "reviewer", "approver", "auditor"]),
        ($"/cases/{CaseId}/redacted", ["publisher", "auditor"]),
        ($"/cases/{CaseId}/dossier", ["auditor"]),
        ("/totals?from=2025-01-01&to=2025-12-31", ["official", "auditor"]),
        ("/audit/reads", ["auditor"]),
        ("/checkpoints/latest", ["auditor", "official"]),
        ("/proofs/inclusion?position=1&tree_size=1", ["auditor"]),
        ("/proofs/consistency?from=0&to=1", ["auditor"]),
        ("/health", Roles),
        ("/ready", Roles),
        ("/openapi/v1.json", Roles),
    ];

    [Fact]
    public void EveryActionOfTheDomainHasExactlyOneEndpoint()
    {
        CaseActionRoutes.All.Select(r => r.Action).Order().ShouldBe(CaseCommandSerializer.Actions);
        CaseActionRoutes.All.Select(r => r.Path).Distinct().Count().ShouldBe(CaseActionRoutes.All.Count);
    }

    [Fact]
    public async Task EachRoleReachesExactlyTheCommandsOfItsDuty()
    {
        var events = await host.CountAsync("ledger.events");
        var failures = new List<string>();
        foreach (var route in CaseActionRoutes.All)
        {
            var path = route.Path.Replace("{id}", CaseId);
            var expected = route.Action == "complete_legal_review" ? "reviewer" : ApproverActions.Contains(route.Action) ? "approver" : "recorder";
            foreach (var role in Roles)
            {
                // An empty body: a role that may send the command gets past authorization and is refused for the missing fields.
                using var response = await host.PostAsync(UserOf(role), path, new { });
                var allowed = response.StatusCode != HttpStatusCode.Forbidden;
                if (allowed != (role == expected)) failures.Add($"{role} {route.Action}: {(int)response.StatusCode}");
                if (allowed) response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, $"{role} {route.Action}");
                else (await ApiHost.ProblemAsync(response)).ShouldBe(("role", $"this is for the role {expected}; yours is {role}"));
            }
        }
        failures.ShouldBeEmpty();
        (await host.CountAsync("ledger.events")).ShouldBe(events);
    }

    [Fact]
    public async Task EachRoleReadsExactlyWhatItsDutyNeeds()
    {
        var failures = new List<string>();
        foreach (var (path, allowed) in Reads)
            foreach (var role in Roles)
            {
                using var response = await host.Client(UserOf(role)).GetAsync(path);
                var passed = response.StatusCode != HttpStatusCode.Forbidden;
                if (passed != allowed.Contains(role)) failures.Add($"{role} GET {path}: {(int)response.StatusCode}");
                response.StatusCode.ShouldNotBe(HttpStatusCode.Unauthorized);
            }
        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task WithoutAValidTokenEveryEndpointAnswers401AndNothingElse()
    {
        var events = await host.CountAsync("ledger.events");
        var reads = await host.CountAsync("ledger.case_reads");
        var badHeaders = new Func<HttpClient>[]
        {
            () => host.Client(null),
            () => WithHeader("Bearer ldg_not-a-token"),
            () => WithHeader("Bearer " + host.TokenOf("auditor-national") + "x"),
            () => WithHeader("Basic " + Convert.ToBase64String("auditor:secret"u8.ToArray())),
            () => WithHeader("Bearer"),
        };
        var paths = Reads.Select(r => r.Path).Where(p => p != "/health").Concat(["/nowhere"]).ToList();
        foreach (var client in badHeaders.Select(make => make()))
        {
            // Liveness asks for nothing and asks the database nothing.
            (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
            foreach (var path in paths)
                (await client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            foreach (var route in CaseActionRoutes.All)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, route.Path.Replace("{id}", CaseId)) { Content = ApiHost.Json(ApiHost.Lead("140824-2025-0999", "140824")) };
                request.Headers.Add("Idempotency-Key", "k");
                var response = await client.SendAsync(request);
                response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, route.Path);
                response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
            }
        }
        (await host.CountAsync("ledger.events")).ShouldBe(events);
        (await host.CountAsync("ledger.case_reads")).ShouldBe(reads);
    }

    private HttpClient WithHeader(string authorization)
    {
        var client = host.Client(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        return client;
    }

    [Fact]
    public async Task ARevokedTokenStopsWorkingAtOnce()
    {
        var client = host.Client("official-yuncheng");
        (await client.GetAsync("/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await new Ledger.Application.Access.ApiUsers(host.Db.Owner, NodaTime.SystemClock.Instance).RevokeAsync("official-yuncheng", "test");
        (await client.GetAsync("/ready")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/totals?from=2025-01-01&to=2025-12-31")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokensAreStoredOnlyAsHashes()
    {
        await using var command = host.Db.Owner.CreateCommand("select token_hash, row_to_json(u)::text from ledger.api_users u");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            ((byte[])reader[0]).Length.ShouldBe(32);
            var row = reader.GetString(1);
            foreach (var (name, _, _, _) in ApiHost.People) row.ShouldNotContain(host.TokenOf(name)[4..]);
        }
        rows.ShouldBe(ApiHost.People.Length);
        var token = host.TokenOf("auditor-jishan");
        var stored = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
        await using var find = host.Db.Owner.CreateCommand("select name from ledger.api_users where token_hash = $1");
        find.Parameters.AddWithValue(stored);
        (await find.ExecuteScalarAsync()).ShouldBe("auditor-jishan");
    }

    [Fact]
    public async Task ARoleAnEndpointIsNotForIsToldWhichRolesItIsFor()
    {
        var response = await host.Client("publisher-jishan").GetAsync("/totals?from=2025-01-01&to=2025-12-31");
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ApiHost.ProblemAsync(response)).ShouldBe(("role", "this is for the role official or auditor; yours is publisher"));
    }

    [Fact]
    public async Task TheApisRoleMayReadUsersButNeverIssueOrRevokeThem()
    {
        var api = new Ledger.Application.Access.ApiUsers(host.App, NodaTime.SystemClock.Instance);
        (await api.ListAsync()).Count.ShouldBe(ApiHost.People.Length);
        var issue = await Should.ThrowAsync<Npgsql.PostgresException>(() =>
            api.AddAsync("national-approver", Ledger.Application.Access.Role.Approver, null, "00000000001", "compromised"));
        issue.SqlState.ShouldBe(Npgsql.PostgresErrorCodes.InsufficientPrivilege);
        var revoke = await Should.ThrowAsync<Npgsql.PostgresException>(() => api.RevokeAsync("auditor-national", "compromised"));
        revoke.SqlState.ShouldBe(Npgsql.PostgresErrorCodes.InsufficientPrivilege);
        (await api.ListAsync()).Count.ShouldBe(ApiHost.People.Length);
    }
}
