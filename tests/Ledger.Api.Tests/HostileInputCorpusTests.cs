using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Application.Access;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.Simulation;
using Ledger.Testing;
using NodaTime;

namespace Ledger.Api.Tests;

/// <summary>
/// A corpus of hostile requests generated from a fixed seed over every command endpoint and every query endpoint:
/// bodies of real commands (simulated cases' steps) each broken in one way that no endpoint may accept
/// (<see cref="HostileJson"/>, or a body that is no JSON), and queries with a parameter unknown, given twice or carrying
/// an invisible or control character. Invariant: each is answered 4xx with <c>errors: {field: [rule]}</c>,
/// nothing is written anywhere, and the server still serves.
/// </summary>
public sealed class HostileInputCorpusTests : IAsyncLifetime
{
    private const int Seed = 20_261_207;
    private const int CommandRequests = 2_000;
    private const int QueryRequests = 600;
    private const string CaseId = "140824-2025-0700";

    private static readonly string[] Tables =
    [
        "ledger.events", "ledger.streams", "ledger.case_view", "ledger.case_reads", "ledger.deadline_reminders",
        "ledger.deadline_notices", "ledger.bureau_inbox", "ledger.web_sessions", "ledger.published_artefacts", "ledger.totals_changes",
    ];

    private readonly ApiHost host = new();

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        // Dated today, so that its filing reminder waits (one long due would fire and write its notice meanwhile).
        var lead = ApiHost.Lead(CaseId, "140824");
        lead["on"] = Today();
        lead["violation_on"] = Today();
        (await host.PostAsync("recorder-jishan", "/cases", lead)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    public Task DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task NoGeneratedHostileRequestIsAnsweredButWithA4xxNamingItsFieldAndNoneWritesAnything()
    {
        var random = new Random(Seed);
        var before = await CountRowsAsync();
        var bodies = CommandBodies(random);
        var failures = new List<string>();

        for (var i = 0; i < CommandRequests; i++)
        {
            var (route, fields) = bodies[random.Next(bodies.Count)];
            var (mutation, content) = Break(random, fields);
            var sent = await content.ReadAsStringAsync();
            using var request = new HttpRequestMessage(HttpMethod.Post, route.Path.Replace("{id}", CaseId)) { Content = content };
            request.Headers.Add("Idempotency-Key", $"corpus-{i}");
            using var response = await host.Client(UserFor(route.Role)).SendAsync(request);
            if (await ProblemWithAnswerAsync(response) is { } problem) failures.Add($"#{i} {route.Action}, {mutation}: {problem} (sent {sent})");
        }

        foreach (var (path, user, known) in await QueryEndpointsAsync())
            for (var i = 0; i < QueryRequests / 12; i++)
            {
                var (mutation, query) = BreakQuery(random, known);
                using var response = await host.Client(user).GetAsync(path + query);
                if (await ProblemWithAnswerAsync(response) is { } problem) failures.Add($"GET {path}{query} ({mutation}): {problem}");
            }

        failures.ShouldBeEmpty($"{failures.Count} of {CommandRequests + QueryRequests} hostile requests were not refused cleanly");
        (await CountRowsAsync()).ShouldBe(before, "a refused request wrote nothing");
        (await host.Client(null).GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.Client("official-jishan").GetAsync("/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", new { on = Today(), description = "笔录" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static string Today() =>
        SystemClock.Instance.GetCurrentInstant().InZone(DecisionContext.Zone).Date.ToString("yyyy-MM-dd", null);

    /// <summary>A 4xx problem with at least one field and rule; otherwise what was wrong with the answer.</summary>
    private static async Task<string?> ProblemWithAnswerAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status is < 400 or > 499 || status is 401 or 403) return $"{status} {Shorten(text)}";
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{status} without a problem: {Shorten(text)}";
        var errors = JsonNode.Parse(text)?["errors"] as JsonObject;
        if (errors is null || errors.Count == 0) return $"{status} names no field: {Shorten(text)}";
        foreach (var (field, rules) in errors)
            if (string.IsNullOrWhiteSpace(field) || rules is not JsonArray { Count: > 0 } list || list.Any(r => string.IsNullOrWhiteSpace(r?.GetValue<string>())))
                return $"{status} with an empty field or rule: {Shorten(text)}";
        return null;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static string UserFor(Role role) => role switch
    {
        Role.Recorder => "recorder-jishan",
        Role.Reviewer => "reviewer-jishan",
        Role.Approver => "approver-jishan",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>The fields of every step of simulated cases, by route; an action no simulated case takes gets a body with
    /// its date alone (its other fields missing are refused too, after the break is read).</summary>
    private static List<(CaseActionRoute Route, JsonObject Fields)> CommandBodies(Random random)
    {
        var routes = CaseActionRoutes.All.ToDictionary(r => r.Action);
        var simulator = new CaseSimulator(random, new LocalDate(2025, 12, 31));
        var bodies = new List<(CaseActionRoute, JsonObject)>();
        for (var c = 0; c < 60; c++)
        {
            var simulated = simulator.Simulate($"140824-2025-{8000 + c}", RegionCode.Parse("140824"), new LocalDate(2024, 1, 1).PlusDays(c * 5));
            foreach (var step in simulated.Steps)
            {
                if (!routes.TryGetValue(step.Command.Name, out var route)) continue;
                var fields = CaseCommandSerializer.ToFields(step.Command);
                if (CaseActionRoutes.FieldOf(route.Person) is { } caller) fields.Remove(caller);
                if (route.StartsCase) fields["case_id"] = $"140824-2025-{9000 + bodies.Count % 900}";
                bodies.Add((route, fields));
            }
        }
        foreach (var route in CaseActionRoutes.All.Where(r => bodies.All(b => b.Item1.Action != r.Action)))
            bodies.Add((route, new JsonObject { ["on"] = "2025-03-20" }));
        return bodies;
    }

    /// <summary>One of the generator's breaks of the JSON, or a body that is no JSON at all.</summary>
    private static (string Mutation, HttpContent Content) Break(Random random, JsonObject fields)
    {
        var way = random.Next(HostileJson.Ways + 2);
        if (way == HostileJson.Ways) return ("a body that is not JSON", new StringContent(fields.ToJsonString(), Encoding.UTF8, "text/plain"));
        if (way == HostileJson.Ways + 1) return ("an empty body", new StringContent("", Encoding.UTF8, "application/json"));
        var (mutation, utf8) = HostileJson.Break(random, fields, way);
        var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        return (mutation, content);
    }

    /// <summary>Each query endpoint with a user who may read it and the parameters it knows (asked of the endpoint itself:
    /// an unknown parameter is refused naming those it takes).</summary>
    private async Task<List<(string Path, string User, string[] Known)>> QueryEndpointsAsync()
    {
        (string Path, string User)[] endpoints =
        [
            ("/cases", "official-jishan"), ($"/cases/{CaseId}", "auditor-jishan"), ($"/cases/{CaseId}/history", "auditor-jishan"),
            ($"/cases/{CaseId}/redacted", "auditor-jishan"), ($"/cases/{CaseId}/dossier", "auditor-jishan"), ("/deadlines", "official-jishan"),
            ("/inbox", "official-jishan"), ("/totals", "official-jishan"), ("/cases/analysis", "official-jishan"),
            ("/audit/reads", "auditor-jishan"), ("/proofs/inclusion", "auditor-jishan"), ("/typical/140824/2025", "publisher-jishan"),
        ];
        var found = new List<(string, string, string[])>();
        foreach (var (path, user) in endpoints)
        {
            var refusal = await host.Client(user).GetAsync(path + "?zz_probe=1");
            refusal.StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
            var rule = (await ApiHost.ProblemAsync(refusal)).Rule;
            var known = rule.Contains("it takes none", StringComparison.Ordinal) ? [] : rule[(rule.IndexOf("it takes ", StringComparison.Ordinal) + 9)..].Split(", ");
            found.Add((path, user, known));
        }
        return found;
    }

    private static (string Mutation, string Query) BreakQuery(Random random, string[] known)
    {
        string[] invisible = ["%E2%80%AE", "%E2%80%8B", "%00", "%1B"];
        var pick = known.Length == 0 ? null : known[random.Next(known.Length)];
        return random.Next(3) switch
        {
            0 or 1 when pick is not null && random.Next(2) == 0 => ("a parameter given twice", $"?{pick}=1&{pick}=2"),
            0 or 1 when pick is not null => ("a parameter with an invisible character", $"?{pick}=14{invisible[random.Next(invisible.Length)]}0824"),
            _ => ("an unknown parameter", $"?{(char)('a' + random.Next(26))}{random.Next(1000)}=1"),
        };
    }

    private async Task<Dictionary<string, long>> CountRowsAsync()
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables) counts[table] = await host.CountAsync(table);
        return counts;
    }
}
