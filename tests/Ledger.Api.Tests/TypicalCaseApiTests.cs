using System.Net;
using System.Security.Cryptography;
using Ledger.Application;
using Ledger.Application.Cases;
using Ledger.Application.Import;
using Ledger.EventStore;
using Ledger.Simulation.Reference;

namespace Ledger.Api.Tests;

/// <summary>
/// Typical cases over HTTP with 稷山's shoe-shop case: the publisher writes, the approver approves, officials and
/// auditors read the edition byte for byte; every other role is refused, the region scope holds, personal data in a
/// publisher's text is refused naming the span, and nobody acts in another's name.
/// </summary>
public sealed class TypicalCaseApiTests : IAsyncLifetime
{
    private readonly ApiHost host = new();
    private const string Shoes = "140824-2025-0012", Path = "/typical/140824/2025";

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        var store = LedgerEvents.Store(host.App);
        var importer = new CaseImporter(store, new CaseCommandHandler(store, NodaTime.SystemClock.Instance), NodaTime.SystemClock.Instance);
        var report = await importer.ImportAsync([.. ReferenceDataset.Generate().Actions.Where(a => a.CaseId == Shoes)], [], "test", new ImportOptions());
        report.Problems.ShouldBeEmpty();
    }

    public Task DisposeAsync() => host.DisposeAsync();

    private async Task Ok(string user, string path, object body)
    {
        var response = await host.PostAsync(user, $"{Path}/{path}", body);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Publisher_writes_approver_approves_and_readers_get_the_edition_exactly_as_published()
    {
        await Ok("publisher-jishan", "nominations", new { case_id = Shoes, naming = "surname_stars" });
        await Ok("publisher-jishan", "drafts", new { case_id = Shoes, significance = "销售者能证明合法取得并说明提供者的，依法不予处罚，并追溯上游供货商。" });
        await Ok("approver-jishan", "approval", new { on = "2026-04-20", opinion = "同意发布。", shortfall_reason = "本县本年度仅此一件案件符合条件。" });
        await Ok("publisher-jishan", "publication", new { on = "2026-04-26" });

        var selection = await ApiHost.BodyAsync(await host.Client("official-jishan").GetAsync(Path));
        var edition = selection["editions"]!.AsArray().Single()!;
        edition["approved_by"]!.GetValue<string>().ShouldBe("14082400001", "the approver's certificate number, from the token");
        selection["cases"]![0]!["text"]!["by"]!.GetValue<string>().ShouldBe("publisher-jishan");
        foreach (var document in edition["documents"]!.AsArray())
        {
            var format = document!["format"]!.GetValue<string>();
            foreach (var reader in new[] { "official-jishan", "auditor-shanxi", "publisher-jishan", "approver-jishan" })
            {
                var response = await host.Client(reader).GetAsync($"{Path}/editions/1?format={format}");
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{reader} {format}");
                var bytes = await response.Content.ReadAsByteArrayAsync();
                var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
                sha256.ShouldBe(document["sha256"]!.GetValue<string>());
                response.Headers.ETag!.Tag.ShouldBe($"\"{sha256}\"");
                var text = System.Text.Encoding.UTF8.GetString(bytes);
                foreach (var personal in new[] { "王某某", "140824198703152417", "13935900000", "某街道某鞋铺" }) text.ShouldNotContain(personal);
                if (format == "html") text.ShouldContain("稷山县市场监督管理局查处王**销售侵犯“N”注册商标专用权商品案");
            }
        }
    }

    [Fact]
    public async Task Roles_scope_personal_data_and_identity_are_enforced_and_nothing_is_written()
    {
        await Ok("publisher-jishan", "nominations", new { case_id = Shoes });
        var events = await host.CountAsync("ledger.events");

        async Task Refused(string user, string path, object body, HttpStatusCode status, string? field = null, string? rule = null)
        {
            var response = await host.PostAsync(user, path, body);
            response.StatusCode.ShouldBe(status, $"{user} {path}: {await response.Content.ReadAsStringAsync()}");
            if (field is null) return;
            var (f, r) = await ApiHost.ProblemAsync(response);
            f.ShouldBe(field);
            r.ShouldContain(rule!);
        }

        await Refused("publisher-jishan", $"{Path}/approval", new { on = "2026-04-20", opinion = "同意", shortfall_reason = "少" }, HttpStatusCode.Forbidden);
        await Refused("approver-jishan", $"{Path}/nominations", new { case_id = Shoes }, HttpStatusCode.Forbidden);
        await Refused("recorder-jishan", $"{Path}/drafts", new { case_id = Shoes, significance = "意义" }, HttpStatusCode.Forbidden);
        await Refused("publisher-jishan", "/typical/140823/2025/nominations", new { case_id = Shoes }, HttpStatusCode.Forbidden, "region", "outside your scope");
        await Refused("publisher-jishan", $"{Path}/drafts", new { case_id = Shoes, significance = "当事人王建国电话13935900000" },
            HttpStatusCode.UnprocessableEntity, "significance", "“13935900000” (characters 9–19) is a phone number");
        await Refused("publisher-jishan", $"{Path}/drafts", new { case_id = Shoes, significance = "意义", by = "someone-else" },
            HttpStatusCode.UnprocessableEntity, "by", "is the person sending this command");
        await Refused("publisher-jishan", $"{Path}/drafts", new { case_id = Shoes }, HttpStatusCode.UnprocessableEntity);
        await Refused("publisher-jishan", $"{Path}/drafts", new { case_id = Shoes, significance = "意义", colour = "red" }, HttpStatusCode.UnprocessableEntity);
        await Refused("publisher-jishan", "/typical/140824/20x5/nominations", new { case_id = Shoes }, HttpStatusCode.UnprocessableEntity, "year", "a year from 2000 to 2100");
        (await host.Client("recorder-jishan").GetAsync(Path)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await host.Client("official-yuncheng").GetAsync("/typical/140824/2025")).StatusCode.ShouldBe(HttpStatusCode.OK, "稷山 lies within 运城");
        (await host.Client("official-jishan").GetAsync("/typical/140800/2025")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await host.Client(null).GetAsync(Path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Client("official-jishan").GetAsync($"{Path}/editions/1?format=pdf")).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await host.CountAsync("ledger.events")).ShouldBe(events);
    }

    [Fact]
    public async Task AKeyReusedForAnotherBodyIsRefusedNamingTheHeaderAndWritesNothing()
    {
        var first = await host.PostAsync("publisher-jishan", $"{Path}/nominations", new { case_id = Shoes }, key: "nominate-once");
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var events = await host.CountAsync("ledger.events");

        var other = await host.PostAsync("publisher-jishan", $"{Path}/nominations", new { case_id = Shoes, naming = "surname_stars" }, key: "nominate-once");

        other.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await other.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(other)).Field.ShouldBe("Idempotency-Key");
        (await host.CountAsync("ledger.events")).ShouldBe(events);
        var again = await host.PostAsync("publisher-jishan", $"{Path}/nominations", new { case_id = Shoes }, key: "nominate-once");
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
    }
}
