using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Application.Access;
using Ledger.Domain;
using Ledger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Tests;

/// <summary>
/// The API over a fresh database (real PostgreSQL), with one user per role and scope, and helpers to send commands
/// as each. Background work is off: a test brings totals and the log up to date when it needs them.
/// </summary>
public sealed class ApiHost : IAsyncLifetime
{
    /// <summary>Configuration the test sets beside the host's own (key, value).</summary>
    public (string Key, string Value)[] Settings { get; init; } = [];

    /// <summary>Configuration that names the test's database (key, value), worked out once it exists.</summary>
    public Func<TestDatabase, (string Key, string Value)[]>? DatabaseSettings { get; init; }

    /// <summary>A superuser connection to the server to create the database on, when not the test server.</summary>
    public string? AdminConnection { get; init; }

    public TestDatabase Db { get; private set; } = null!;
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;
    private readonly Dictionary<string, IssuedUser> users = [];

    /// <summary>The users every test class gets: name → (role, scope, certificate).</summary>
    public static readonly (string Name, Role Role, string Scope, string? Certificate)[] People =
    [
        ("recorder-jishan", Role.Recorder, "140824", "14082401017"),
        ("recorder-jishan-2", Role.Recorder, "140824", "14082401018"),
        ("recorder-wenxi", Role.Recorder, "140823", "14082301001"),
        ("recorder-yuncheng", Role.Recorder, "140800", "14080001001"),
        ("reviewer-jishan", Role.Reviewer, "140824", "14082400101"),
        ("approver-jishan", Role.Approver, "140824", "14082400001"),
        ("approver-wenxi", Role.Approver, "140823", "14082300001"),
        ("auditor-shanxi", Role.Auditor, "140000", null),
        ("auditor-jishan", Role.Auditor, "140824", null),
        ("auditor-wenxi", Role.Auditor, "140823", null),
        ("auditor-national", Role.Auditor, "national", null),
        ("official-jishan", Role.Official, "140824", null),
        ("official-yuncheng", Role.Official, "140800", null),
        ("publisher-jishan", Role.Publisher, "140824", null),
    ];

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync(admin: AdminConnection);
        // Users are issued by the owner (`ledger users`): the API's role may only read them.
        var accounts = new ApiUsers(Db.Owner, SystemClock.Instance);
        foreach (var (name, role, scope, certificate) in People)
            users[name] = await accounts.AddAsync(name, role, ApiUsers.ParseScope(scope), certificate, "test");
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Ledger:Connection", Db.App.ConnectionString);
            web.UseSetting("Ledger:BackgroundSeconds", "0");
            foreach (var (key, value) in Settings.Concat(DatabaseSettings?.Invoke(Db) ?? [])) web.UseSetting(key, value);
            web.ConfigureTestServices(services => services.AddSingleton(Db.App));
        });
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Db.DisposeAsync();
    }

    public string TokenOf(string name) => users[name].Token;

    /// <summary>A client authenticated as <paramref name="name"/> (or anonymous when null).</summary>
    public HttpClient Client(string? name)
    {
        var client = Factory.CreateClient();
        if (name is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenOf(name));
        return client;
    }

    public static StringContent Json(object body) => new(body is string text ? text : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>POSTs a command with an idempotency key (fresh unless given) and optional If-Match.</summary>
    public async Task<HttpResponseMessage> PostAsync(string user, string path, object body, string? key = null, long? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        if (ifMatch is { } version) request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        return await Client(user).SendAsync(request);
    }

    public static async Task<JsonObject> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>The problem's errors as field → first rule.</summary>
    public static async Task<(string Field, string Rule)> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var errors = (await BodyAsync(response))["errors"]!.AsObject();
        var (field, rules) = errors.Single();
        return (field, rules![0]!.GetValue<string>());
    }

    public async Task<long> CountAsync(string table)
    {
        await using var command = Db.Owner.CreateCommand($"select count(*) from {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A lead as a recorder registers it.</summary>
    public static Dictionary<string, object?> Lead(string caseId, string region, string party = "王某某", string summary = "投诉某鞋铺销售带有“N”标识的运动鞋") => new()
    {
        ["case_id"] = caseId, ["on"] = "2025-03-03", ["source"] = "complaint", ["summary"] = summary, ["region"] = region,
        ["kind"] = "trademark_infringement",
        ["party"] = new Dictionary<string, object?> { ["kind"] = "natural_person", ["name"] = party, ["identity_number"] = "140824198703152417", ["phone"] = "13935900000", ["address"] = "山西省运城市稷山县某街道某鞋铺" },
        ["right"] = new { kind = "trademark", name = "N", registration_number = "第1237011号", holder = "New Balance Athletics, Inc." },
        ["violation_on"] = "2025-03-01", ["flags"] = new[] { "foreign-related" }, ["campaigns"] = new[] { "铁拳2025" },
    };

    /// <summary>Registers a lead as the recorder of its region, and checks it was recorded.</summary>
    public async Task RegisterAsync(string caseId, string region, string recorder)
    {
        var response = await PostAsync(recorder, "/cases", Lead(caseId, region));
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        // The new case's address and version, as a client reads them from the headers.
        response.Headers.Location!.OriginalString.ShouldBe($"/cases/{Uri.EscapeDataString(caseId)}");
        response.Headers.ETag!.Tag.ShouldBe("\"1\"");
    }

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public NpgsqlDataSource App => Db.App;
}
