using System.Net;
using System.Text.Json.Nodes;

namespace Ledger.Api.Tests;

/// <summary>GET /deadlines: the deadlines the ledger reminds of, within the caller's region, with the overdue notices.</summary>
public sealed class DeadlineApiTests : IAsyncLifetime
{
    private readonly ApiHost host = new();
    private const string Jishan = "140824-2025-0300", Wenxi = "140823-2025-0300";

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        await host.RegisterAsync(Jishan, "140824", "recorder-jishan");
        await host.RegisterAsync(Wenxi, "140823", "recorder-wenxi");
    }

    public Task DisposeAsync() => host.DisposeAsync();

    private async Task<JsonArray> DeadlinesAsync(string user, string query = "")
    {
        var response = await host.Client(user).GetAsync("/deadlines" + query);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await ApiHost.BodyAsync(response))["deadlines"]!.AsArray();
    }

    [Fact]
    public async Task EachCallerSeesTheDeadlinesOfTheirRegionAndBelow()
    {
        var jishan = (await DeadlinesAsync("recorder-jishan")).ShouldHaveSingleItem()!;
        ((string?)jishan["case_id"], (string?)jishan["deadline"], (string?)jishan["due_on"]).ShouldBe((Jishan, "filing", "2025-03-24"));
        ((string)jishan["rule"]!).ShouldContain("第十八条");

        (await DeadlinesAsync("official-yuncheng")).Select(d => (string?)d!["case_id"]).Order().ShouldBe([Wenxi, Jishan]);
        (await DeadlinesAsync("official-yuncheng", "?region=140823")).Select(d => (string?)d!["case_id"]).ShouldBe([Wenxi]);
    }

    [Fact]
    public async Task TheReminderOfALeadNotDecidedInTimeRecordsAnOverdueNotice()
    {
        // The lead was registered on 2025-03-03 and today is later than 2025-03-24, its 15th working day: the reminder fires at once.
        for (var waited = 0; waited < 300 && (await DeadlinesAsync("recorder-jishan", "?overdue=true")).Count == 0; waited++) await Task.Delay(100);

        var notice = (await DeadlinesAsync("recorder-jishan", "?overdue=true")).ShouldHaveSingleItem()!;
        ((string?)notice["case_id"], (string?)notice["finding"], (bool?)notice["overdue"]).ShouldBe((Jishan, "overdue", true));
        ((string?)notice["noticed_at"]).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("recorder-jishan", "?region=140823", HttpStatusCode.Forbidden, "region")]
    [InlineData("recorder-jishan", "?overdue=perhaps", HttpStatusCode.BadRequest, "overdue")]
    [InlineData("recorder-jishan", "?limit=0", HttpStatusCode.BadRequest, "limit")]
    [InlineData("recorder-jishan", "?region=14", HttpStatusCode.UnprocessableEntity, "region")]
    [InlineData("recorder-jishan", "?since=2025-01-01", HttpStatusCode.BadRequest, "since")]
    [InlineData("publisher-jishan", "", HttpStatusCode.Forbidden, null)]
    public async Task BadOrOutOfScopeQueriesAreRefusedNamingTheField(string user, string query, HttpStatusCode status, string? field)
    {
        var reads = await host.CountAsync("ledger.case_reads");
        var response = await host.Client(user).GetAsync("/deadlines" + query);

        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        if (field is not null) (await ApiHost.ProblemAsync(response)).Field.ShouldBe(field);
        (await host.CountAsync("ledger.case_reads")).ShouldBe(reads);
    }

    [Fact]
    public async Task ARelatedLeadReferredByOneCountyReachesTheOtherCountysInboxOnly()
    {
        (await host.PostAsync("approver-jishan", $"/cases/{Jishan}/filing", new { on = "2025-03-05", legal_bases = new[] { "商标法第五十七条第三项" } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var referred = await host.PostAsync("recorder-jishan", $"/cases/{Jishan}/referrals", new { on = "2025-03-06", target_region = "140823", summary = "供货商位于闻喜县" });
        referred.StatusCode.ShouldBe(HttpStatusCode.OK, await referred.Content.ReadAsStringAsync());

        JsonArray inbox = [];
        for (var waited = 0; waited < 300 && inbox.Count == 0; waited++)
        {
            await Task.Delay(100);
            var response = await host.Client("recorder-wenxi").GetAsync("/inbox");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            inbox = (await ApiHost.BodyAsync(response))["referrals"]!.AsArray();
        }
        var referral = inbox.ShouldHaveSingleItem()!;
        ((string?)referral["kind"], (string?)referral["from_case_id"], (string?)referral["summary"]).ShouldBe(("related_lead_referred", Jishan, "供货商位于闻喜县"));

        var sender = await host.Client("recorder-jishan").GetAsync("/inbox");
        (await ApiHost.BodyAsync(sender))["referrals"]!.AsArray().ShouldBeEmpty();
        (await host.Client("recorder-jishan").GetAsync("/inbox?region=140823")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
