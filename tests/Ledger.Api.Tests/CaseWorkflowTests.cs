using System.Net;
using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.EventStore;
using Ledger.Integrity;
using Ledger.Integrity.Merkle;
using Ledger.Integrity.Signing;

namespace Ledger.Api.Tests;

/// <summary>
/// A trademark case from lead to closure through the API, each step by the role whose duty it is; then what auditors,
/// officials and publishers read of it — versions, instants, totals, the dossier and proofs — and the record of those reads.
/// </summary>
public sealed class CaseWorkflowTests : IAsyncLifetime
{
    private readonly ApiHost host = new();
    private const string CaseId = "140824-2025-0031";

    public Task InitializeAsync() => host.InitializeAsync();
    public Task DisposeAsync() => host.DisposeAsync();

    private async Task<JsonObject> Step(string user, string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await host.PostAsync(user, path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The shoe-shop case of the import example, each action sent by its role.</summary>
    private async Task RecordCaseAsync()
    {
        var created = await Step("recorder-jishan", "/cases", ApiHost.Lead(CaseId, "140824"), HttpStatusCode.Created);
        created["to_version"]!.GetValue<long>().ShouldBe(1);
        var path = $"/cases/{CaseId}";
        await Step("approver-jishan", $"{path}/filing", new { on = "2025-03-04", legal_bases = new[] { "商标法第五十七条第三项" } });
        await Step("recorder-jishan", $"{path}/officers", new { on = "2025-03-04", officers = new[] { new { certificate_number = "14082401017", name = "张某" }, new { certificate_number = "14082401018", name = "李某" } } });
        await Step("recorder-jishan", $"{path}/assessment", new { on = "2025-03-10", turnover = new { amount = "8600.00", method = "按销售记录核算" } });
        await Step("reviewer-jishan", $"{path}/legal-review", new { on = "2025-03-14", approved = true, opinion = "事实清楚，证据确凿" });
        await Step("recorder-jishan", $"{path}/advance-notice", new { on = "2025-03-17", proposed_items = new object[] { new { kind = "fine", amount = "12000.00" }, new { kind = "order_to_stop" } }, legal_bases = new[] { "商标法第六十条第二款" } });
        await Step("approver-jishan", $"{path}/decision", new { on = "2025-03-28", decision_number = "稷市监处罚〔2025〕21号", items = new object[] { new { kind = "fine", amount = "12000.00" }, new { kind = "order_to_stop" } }, legal_bases = new[] { "商标法第六十条第二款" } });
        await Step("recorder-jishan", $"{path}/service", new { on = "2025-03-31", method = "直接送达" });
        await Step("recorder-jishan", $"{path}/payments", new { on = "2025-04-08", amount = "12000.00", reference = "非税收入缴款书 1408240001" });
        var closed = await Step("recorder-jishan", $"{path}/closure", new { on = "2025-04-10", ground = "executed", summary = "罚款已缴清，结案" });
        closed["to_version"]!.GetValue<long>().ShouldBe(10);
    }

    [Fact]
    public async Task EachStepIsRecordedUnderTheIdentityOfWhoeverSentIt()
    {
        await RecordCaseAsync();
        var history = await host.Client("auditor-shanxi").GetFromJsonObjectAsync($"/cases/{CaseId}/history");
        var events = history["events"]!.AsArray();
        events.Count.ShouldBe(10);
        events.Select(e => e!["actor"]!.GetValue<string>()).Distinct().Order()
            .ShouldBe(["approver-jishan", "recorder-jishan", "reviewer-jishan"]);
        var filed = events.Single(e => e!["type"]!.GetValue<string>().StartsWith("case_filed"));
        filed!["data"]!["approved_by"]!.GetValue<string>().ShouldBe("14082400001");
        var review = events.Single(e => e!["type"]!.GetValue<string>().StartsWith("legal_review_completed"));
        review!["data"]!["reviewer_id"]!.GetValue<string>().ShouldBe("14082400101");
        events.All(e => e!["hash"]!.GetValue<string>().Length == 64).ShouldBeTrue();
    }

    [Fact]
    public async Task ACaseReadsNowAtAVersionAndAsOfAnInstant()
    {
        await RecordCaseAsync();
        var client = host.Client("official-jishan");
        var now = await client.GetAsync($"/cases/{CaseId}");
        now.Headers.ETag!.Tag.ShouldBe("\"10\"");
        var state = (await ApiHost.BodyAsync(now))["state"]!;
        state["status"]!.GetValue<string>().ShouldBe("closed");

        var atFiling = await client.GetFromJsonObjectAsync($"/cases/{CaseId}?version=2");
        atFiling["version"]!.GetValue<long>().ShouldBe(2);
        atFiling["state"]!["status"]!.GetValue<string>().ShouldBe("investigating");

        var history = await host.Client("auditor-jishan").GetFromJsonObjectAsync($"/cases/{CaseId}/history");
        var fourth = history["events"]![3]!["recorded_at"]!.GetValue<string>();
        var asOf = await client.GetFromJsonObjectAsync($"/cases/{CaseId}?as_of={Uri.EscapeDataString(fourth)}");
        asOf["version"]!.GetValue<long>().ShouldBe(4);
        // asOf, the older spelling, answers the same; both at once is refused.
        (await client.GetFromJsonObjectAsync($"/cases/{CaseId}?asOf={Uri.EscapeDataString(fourth)}"))["version"]!.GetValue<long>().ShouldBe(4);
        var both = await client.GetAsync($"/cases/{CaseId}?as_of={Uri.EscapeDataString(fourth)}&asOf={Uri.EscapeDataString(fourth)}");
        both.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiHost.ProblemAsync(both)).Field.ShouldBe("as_of");

        (await client.GetAsync($"/cases/{CaseId}?version=11")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/cases/{CaseId}?as_of=2000-01-01T00:00Z")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/cases/{CaseId}?version=2&asOf=2025-01-01T00:00Z")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync("/cases/140824-2099-0001")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TotalsCountTheCaseOnceTheProjectionHasIt()
    {
        await RecordCaseAsync();
        await new ProjectionRunner(host.Service<LedgerEventStore>(), new PenaltyTotalsProjection(host.Service<LedgerEventStore>())).CatchUpAsync();
        var totals = await host.Client("official-yuncheng").GetFromJsonObjectAsync("/totals?from=2025-01-01&to=2025-12-31&by=region");
        var figures = totals.ToJsonString();
        figures.ShouldContain("\"cases\":1");
        figures.ShouldContain("12000.00");
        // An official of Jishan asking nothing more sees Jishan's totals.
        var own = await host.Client("official-jishan").GetFromJsonObjectAsync("/totals?from=2025-01-01&to=2025-12-31");
        own.ToJsonString().ShouldContain("140824");
    }

    [Fact]
    public async Task AWronglyRecordedClosingIsVoidedOverHttpByTheApproverAndTheCaseReadsOpenAgain()
    {
        await RecordCaseAsync();
        var path = $"/cases/{CaseId}/voided-steps";
        // A recorder may not void; the approver's own identity is the approval.
        (await host.PostAsync("recorder-jishan", path, new { on = "2025-04-11", version = 10, reason = "结案登记错误" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var refused = await Step("approver-jishan", path, new { on = "2025-04-11", version = 9, reason = "缴款登记错误" }, HttpStatusCode.UnprocessableEntity);
        refused.ToJsonString().ShouldContain("\"version\"");
        var voided = await Step("approver-jishan", path, new { on = "2025-04-11", version = 10, reason = "结案登记错误：罚款尚在核对" });
        voided["to_version"]!.GetValue<long>().ShouldBe(11);

        var read = await host.Client("official-jishan").GetFromJsonObjectAsync($"/cases/{CaseId}");
        read["state"]!["status"]!.GetValue<string>().ShouldBe("decided");
        read["state"]!["voided_versions"]!.AsArray().Select(v => v!.GetValue<long>()).ShouldBe([10L]);
        read["state"]!.AsObject().ContainsKey("steps").ShouldBeFalse();
        // The case view (the lists officials filter) follows the void in the same transaction.
        (await host.Client("official-jishan").GetFromJsonObjectAsync("/cases?status=closed"))["total"]!.GetValue<long>().ShouldBe(0);
        (await host.Client("official-jishan").GetFromJsonObjectAsync("/cases?status=decided"))["total"]!.GetValue<long>().ShouldBe(1);
        // The history keeps the closing and names the step that voided it.
        var events = (await host.Client("auditor-jishan").GetFromJsonObjectAsync($"/cases/{CaseId}/history"))["events"]!.AsArray();
        events[9]!["voided_by"]!.GetValue<long>().ShouldBe(11);
        events[8]!["voided_by"].ShouldBeNull();
        // As of version 10 the closing still shows, as the ledger knew it then.
        (await host.Client("official-jishan").GetFromJsonObjectAsync($"/cases/{CaseId}?version=10"))["state"]!["status"]!.GetValue<string>().ShouldBe("closed");
    }

    [Fact]
    public async Task ADecisionFinesUnderTwoLawsOverHttpAndTheTotalsSplitByProvision()
    {
        const string caseId = "140824-2025-0032";
        var path = $"/cases/{caseId}";
        await Step("recorder-jishan", "/cases", ApiHost.Lead(caseId, "140824"), HttpStatusCode.Created);
        await Step("approver-jishan", $"{path}/filing", new { on = "2025-03-04", legal_bases = new[] { "商标法第五十七条第三项" } });
        await Step("recorder-jishan", $"{path}/officers", new { on = "2025-03-04", officers = new[] { new { certificate_number = "14082401017", name = "张某" }, new { certificate_number = "14082401018", name = "李某" } } });
        await Step("recorder-jishan", $"{path}/assessment", new { on = "2025-03-10", turnover = new { amount = "60000.00", method = "按销售记录核算" }, goods_value = new { amount = "20000.00", method = "按标价计算" } });
        await Step("reviewer-jishan", $"{path}/legal-review", new { on = "2025-03-14", approved = true, opinion = "事实清楚，证据确凿" });
        var items = new object[] { new { kind = "fine", amount = "300000.00" }, new { kind = "fine", amount = "6000.00", provision = "product-labelling" } };
        await Step("recorder-jishan", $"{path}/advance-notice", new { on = "2025-03-17", proposed_items = items, legal_bases = new[] { "商标法第六十条第二款", "产品质量法第五十四条" } });
        var over = new object[] { new { kind = "fine", amount = "290000.00" }, new { kind = "fine", amount = "6000.01", provision = "product-labelling" } };
        var refused = await Step("approver-jishan", $"{path}/decision", new { on = "2025-03-28", decision_number = "稷市监处罚〔2025〕22号", items = over, legal_bases = new[] { "商标法第六十条第二款" } }, HttpStatusCode.UnprocessableEntity);
        refused.ToJsonString().ShouldContain("items[1].amount", customMessage: refused.ToJsonString());
        await Step("approver-jishan", $"{path}/decision", new { on = "2025-03-28", decision_number = "稷市监处罚〔2025〕22号", items, legal_bases = new[] { "商标法第六十条第二款", "产品质量法第五十四条" } });

        await new ProjectionRunner(host.Service<LedgerEventStore>(), new PenaltyTotalsProjection(host.Service<LedgerEventStore>())).CatchUpAsync();
        var totals = await host.Client("official-jishan").GetFromJsonObjectAsync("/totals?from=2025-01-01&to=2025-12-31&caliber=decided&by=provision");
        var lines = totals["lines"]!.AsArray().ToDictionary(l => l!["key"]!.GetValue<string>(), l => l!["fines"]!.GetValue<string>());
        lines.ShouldBe(new Dictionary<string, string> { ["product-labelling"] = "6000.00", ["trademark-infringement"] = "300000.00" }, ignoreOrder: true);
        totals["total"]!["fines"]!.GetValue<string>().ShouldBe("306000.00");
    }

    [Fact]
    public async Task AuditorsGetTheDossierProofsAndCheckpointAndTheyVerify()
    {
        await RecordCaseAsync();
        var keys = Path.Combine(Path.GetTempPath(), $"ledger-api-keys-{Guid.NewGuid():N}");
        var signer = CheckpointKeyFiles.Create(Path.Combine(keys, "checkpoint.pem"), SignatureSuite.EcdsaP256);
        try
        {
            var log = host.Service<MerkleLog>();
            await log.EnsureCreatedAsync("ledger.test/140000", signer.Suite);
            (await log.CheckpointAsync(signer, "ledger.test/140000")).ShouldNotBeNull();
            var auditor = host.Client("auditor-shanxi");

            var checkpoint = await auditor.GetFromJsonObjectAsync("/checkpoints/latest");
            var size = checkpoint["tree_size"]!.GetValue<long>();
            size.ShouldBe(10);
            var root = Convert.FromHexString(checkpoint["root"]!.GetValue<string>());
            var parsed = Checkpoint.FromNote(checkpoint["note"]!.GetValue<string>(), Convert.FromBase64String(checkpoint["signature"]!.GetValue<string>()));
            parsed.SignatureProblem([signer.PublicKey]).ShouldBeNull();

            var history = await auditor.GetFromJsonObjectAsync($"/cases/{CaseId}/history");
            var decision = history["events"]!.AsArray().Single(e => e!["type"]!.GetValue<string>().StartsWith("penalty_decided"))!;
            var position = decision["position"]!.GetValue<long>();
            var proof = await auditor.GetFromJsonObjectAsync($"/proofs/inclusion?position={position}");
            var leafHash = MerkleLog.LeafHash(TreeHasher.Sha256, position, CaseId, decision["version"]!.GetValue<long>(), Convert.FromHexString(decision["hash"]!.GetValue<string>()));
            MerkleTree.VerifyInclusion(TreeHasher.Sha256, proof["leaf_index"]!.GetValue<long>(), size, leafHash,
                [.. proof["path"]!.AsArray().Select(p => Convert.FromHexString(p!.GetValue<string>()))], root).ShouldBeTrue();

            var consistency = await auditor.GetFromJsonObjectAsync("/proofs/consistency?from=4");
            consistency["to_size"]!.GetValue<long>().ShouldBe(size);

            var dossierText = await auditor.GetStringAsync($"/cases/{CaseId}/dossier?purpose=年度执法检查");
            DossierVerifier.Verify(Dossier.FromJson(dossierText), [signer.PublicKey]).Ok.ShouldBeTrue();

            var missing = await auditor.GetAsync("/proofs/inclusion?position=999");
            missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await ApiHost.ProblemAsync(missing)).ShouldBe(("position", "no event at position 999 within your scope is in the log yet"));
            // Another county's auditor learns neither the stream nor its version: the event answers as a missing one.
            var elsewhere = await host.Client("auditor-wenxi").GetAsync($"/proofs/inclusion?position={position}");
            elsewhere.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await ApiHost.ProblemAsync(elsewhere)).ShouldBe(("position", $"no event at position {position} within your scope is in the log yet"));
            (await elsewhere.Content.ReadAsStringAsync()).ShouldNotContain(CaseId);
            var outOfRange = await auditor.GetAsync("/proofs/consistency?from=5&to=99");
            outOfRange.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
            (await ApiHost.ProblemAsync(outOfRange)).Field.ShouldBe("toSize");
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public async Task EveryReadOfACaseIsRecordedAndAuditorsSeeIt()
    {
        await RecordCaseAsync();
        (await host.CountAsync("ledger.case_reads")).ShouldBe(0);
        await host.Client("official-jishan").GetAsync($"/cases/{CaseId}?purpose={Uri.EscapeDataString("核对罚没金额")}");
        await host.Client("recorder-jishan-2").GetAsync($"/cases/{CaseId}/history");
        await host.Client("publisher-jishan").GetAsync($"/cases/{CaseId}/redacted?purpose=典型案例");
        await host.Client("official-yuncheng").GetAsync("/cases?region=140824");

        var reads = (await host.Client("auditor-jishan").GetFromJsonObjectAsync($"/audit/reads?case_id={CaseId}"))["reads"]!.AsArray();
        reads.Select(r => (r!["user_name"]!.GetValue<string>(), r["endpoint"]!.GetValue<string>(), r["purpose"]?.GetValue<string>())).ShouldBe(
        [
            ("official-yuncheng", "GET /cases", null),
            ("publisher-jishan", "GET /cases/{id}/redacted", "典型案例"),
            ("recorder-jishan-2", "GET /cases/{id}/history", null),
            ("official-jishan", "GET /cases/{id}", "核对罚没金额"),
        ]);
        reads.All(r => r!["read_at"] is not null && r["role"] is not null).ShouldBeTrue();
        // Reading the read log is not itself a read of a case: it adds no row (still 4 below).
        (await host.Client("auditor-national").GetFromJsonObjectAsync("/audit/reads"))["reads"]!.AsArray().Count.ShouldBe(4);
        var tooLong = await host.Client("official-jishan").GetAsync($"/cases/{CaseId}?purpose={new string('x', 501)}");
        tooLong.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ApiHost.ProblemAsync(tooLong)).Field.ShouldBe("purpose");
        (await host.CountAsync("ledger.case_reads")).ShouldBe(4);
    }

    [Fact]
    public async Task PublishersSeeOnlyTheRedactedCase()
    {
        await RecordCaseAsync();
        var text = await host.Client("publisher-jishan").GetStringAsync($"/cases/{CaseId}/redacted");
        text.ShouldContain("某某");
        text.ShouldNotContain("王某某");
        text.ShouldNotContain("140824198703152417");
        text.ShouldNotContain("13935900000");
        text.ShouldNotContain("某街道");
        text.ShouldContain("稷山县");
        text.ShouldContain("New Balance Athletics, Inc.");
        (await host.Client("publisher-jishan").GetAsync($"/cases/{CaseId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryEndpointAndHealthAnswers()
    {
        var client = host.Client("official-jishan");
        var document = await client.GetFromJsonObjectAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();
        foreach (var route in CaseActionRoutes.All) paths.ContainsKey(route.Path).ShouldBeTrue(route.Path);
        foreach (var path in new[] { "/cases", "/cases/{id}", "/cases/{id}/history", "/totals", "/checkpoints/latest", "/proofs/inclusion", "/proofs/consistency", "/cases/{id}/dossier", "/audit/reads" })
            paths.ContainsKey(path).ShouldBeTrue(path);
        (await client.GetFromJsonObjectAsync("/health"))["status"]!.GetValue<string>().ShouldBe("ok");
        (await client.GetFromJsonObjectAsync("/ready"))["status"]!.GetValue<string>().ShouldBe("ready");
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesWhatTheReadsAnswerInTheApisOwnSpelling()
    {
        var document = await host.Client("official-jishan").GetFromJsonObjectAsync("/openapi/v1.json");
        var schemas = document["components"]!["schemas"]!.AsObject();
        JsonObject ResponseSchema(string path, string method = "get")
        {
            var content = document["paths"]![path]![method]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!.AsObject();
            var name = content["$ref"]!.GetValue<string>().Split('/')[^1];
            return schemas[name]!.AsObject();
        }
        string[] Properties(JsonObject schema) => [.. schema["properties"]!.AsObject().Select(p => p.Key)];

        Properties(ResponseSchema("/totals")).ShouldBe(["caliber", "caliber_basis", "as_of", "current", "region", "region_name", "from", "to", "kinds",
            "campaign", "flag", "group_by", "compare", "compared_from", "compared_to", "projection", "lines", "total"]);
        Properties(ResponseSchema("/cases/{id}")).ShouldBe(["case_id", "version", "as_of", "deadlines_as_of", "state", "deadlines"]);
        Properties(ResponseSchema("/cases")).ShouldBe(["total", "offset", "limit", "cases"]);
        Properties(ResponseSchema("/cases/{id}/history")).ShouldBe(["case_id", "version", "events"]);
        Properties(ResponseSchema("/cases/analysis")).ShouldContain("high_incidence");
        Properties(ResponseSchema("/typical/{region}/{year}/nominations", "post")).ShouldContain("already_applied");
        foreach (var route in CaseActionRoutes.All.Take(3))
            document["paths"]![route.Path]!["post"]!["responses"]!.AsObject().ShouldContain(r => r.Key == "201" || r.Key == "200", route.Path);
    }
}

internal static class HttpClientJson
{
    public static async Task<JsonObject> GetFromJsonObjectAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {path}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
