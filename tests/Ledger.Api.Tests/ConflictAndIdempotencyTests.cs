using System.Net;

namespace Ledger.Api.Tests;

/// <summary>If-Match, ETag and Idempotency-Key, and separation of duties as the API enforces it.</summary>
public sealed class ConflictAndIdempotencyTests : IAsyncLifetime
{
    private readonly ApiHost host = new();
    private const string CaseId = "140824-2025-0300";

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        await host.RegisterAsync(CaseId, "140824", "recorder-jishan");
    }

    public Task DisposeAsync() => host.DisposeAsync();

    private static object Evidence(string text = "询问笔录") => new { on = "2025-03-05", description = text };

    [Fact]
    public async Task AStaleIfMatchIs409WithTheCurrentVersionAndWritesNothing()
    {
        var first = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", Evidence(), ifMatch: 1);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        first.Headers.ETag!.Tag.ShouldBe("\"2\"");

        var events = await host.CountAsync("ledger.events");
        var stale = await host.PostAsync("recorder-jishan-2", $"/cases/{CaseId}/evidence", Evidence("另一份笔录"), ifMatch: 1);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        stale.Headers.ETag!.Tag.ShouldBe("\"2\"");
        var body = await ApiHost.BodyAsync(stale);
        body["current_version"]!.GetValue<long>().ShouldBe(2);
        (await ApiHost.ProblemAsync(stale)).Field.ShouldBe("If-Match");
        (await host.CountAsync("ledger.events")).ShouldBe(events);
    }

    [Fact]
    public async Task OfRacingWritersWithTheSameIfMatchExactlyOneWins()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            host.PostAsync(i % 2 == 0 ? "recorder-jishan" : "recorder-jishan-2", $"/cases/{CaseId}/evidence", Evidence($"笔录{i}"), ifMatch: 1)));
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(7);
        (await host.CountAsync("ledger.events")).ShouldBe(2);
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKeyReturnsTheFirstOutcomeAndWritesNothing()
    {
        var first = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", Evidence(), key: "retry-1", ifMatch: 1);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = await host.CountAsync("ledger.events");
        // The retry still carries the If-Match of the first attempt: the key is recognised before the version is checked.
        var again = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", Evidence(), key: "retry-1", ifMatch: 1);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        again.Headers.ETag!.Tag.ShouldBe("\"2\"");
        (await ApiHost.BodyAsync(again))["already_applied"]!.GetValue<bool>().ShouldBeTrue();
        (await host.CountAsync("ledger.events")).ShouldBe(events);

        var otherAction = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/suspension", new { on = "2025-03-06", reason = "等待鉴定" }, key: "retry-1");
        otherAction.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ApiHost.ProblemAsync(otherAction)).Field.ShouldBe("Idempotency-Key");
        (await host.CountAsync("ledger.events")).ShouldBe(events);
    }

    [Fact]
    public async Task AKeyReplaysOnlyTheSameBodyFromTheSameCaller()
    {
        (await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", Evidence(), key: "bound-1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = await host.CountAsync("ledger.events");

        // The same key with another body is a different command, not a retry: refused, never answered with the first outcome.
        var otherBody = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", Evidence("另一份笔录"), key: "bound-1");
        otherBody.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var (field, rule) = await ApiHost.ProblemAsync(otherBody);
        field.ShouldBe("Idempotency-Key");
        rule.ShouldContain("different body");
        otherBody.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();

        // Another caller's key is not theirs to replay, even with the very same body.
        var otherCaller = await host.PostAsync("recorder-jishan-2", $"/cases/{CaseId}/evidence", Evidence(), key: "bound-1");
        otherCaller.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (field, rule) = await ApiHost.ProblemAsync(otherCaller);
        field.ShouldBe("Idempotency-Key");
        rule.ShouldContain("another caller");

        // The same body with its keys in another order and other white space is the same command: a replay.
        using var reordered = new HttpRequestMessage(HttpMethod.Post, $"/cases/{CaseId}/evidence")
        {
            Content = new StringContent("{ \"description\" : \"询问笔录\",\n  \"on\": \"2025-03-05\" }", System.Text.Encoding.UTF8, "application/json"),
        };
        reordered.Headers.Add("Idempotency-Key", "bound-1");
        var replay = await host.Client("recorder-jishan").SendAsync(reordered);
        replay.StatusCode.ShouldBe(HttpStatusCode.OK, await replay.Content.ReadAsStringAsync());
        replay.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await host.CountAsync("ledger.events")).ShouldBe(events);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DuplicatesInFlightTogetherAllGetTheOneOutcome(bool pinVersion)
    {
        // Eight copies of one command (a client retrying impatiently) race each other: one records, the others wait for
        // it and replay its outcome — with or without the If-Match the first attempt carried.
        var key = $"in-flight-{pinVersion}";
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", Evidence(), key: key, ifMatch: pinVersion ? 1 : null)));
        foreach (var response in responses) response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        responses.Count(r => r.Headers.Contains("Idempotent-Replayed")).ShouldBe(7);
        responses.Select(r => r.Headers.ETag!.Tag).Distinct().ShouldBe(["\"2\""]);
        (await host.CountAsync("ledger.events")).ShouldBe(2);
    }

    [Theory]
    [InlineData(null, null, "Idempotency-Key")]
    [InlineData("", null, "Idempotency-Key")]
    [InlineData("k", "7", "If-Match")]
    [InlineData("k", "\"seven\"", "If-Match")]
    [InlineData("k", "W/\"1\"", "If-Match")]
    public async Task MissingOrMalformedHeadersAre400NamingTheHeader(string? key, string? ifMatch, string field)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/cases/{CaseId}/evidence") { Content = ApiHost.Json(Evidence()) };
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await host.Client("recorder-jishan").SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe(field);
        (await host.CountAsync("ledger.events")).ShouldBe(1);
    }

    [Fact]
    public async Task NobodyRecordsAnotherPersonsApprovalOrReview()
    {
        await host.PostAsync("approver-jishan", $"/cases/{CaseId}/filing", new { on = "2025-03-04", legal_bases = new[] { "商标法第五十七条" } });
        var events = await host.CountAsync("ledger.events");
        var forged = await host.PostAsync("approver-jishan", $"/cases/{CaseId}/decision-extension", new { on = "2025-03-10", reason = "案情复杂", approved_by = "14082400099" });
        forged.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ApiHost.ProblemAsync(forged)).Field.ShouldBe("approved_by");
        var forgedReview = await host.PostAsync("reviewer-jishan", $"/cases/{CaseId}/legal-review", new { on = "2025-03-10", approved = true, opinion = "同意", reviewer_id = "someone-else" });
        (await ApiHost.ProblemAsync(forgedReview)).Field.ShouldBe("reviewer_id");
        // A recorder cannot approve at all, whatever name they type.
        (await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/decision-extension", new { on = "2025-03-10", reason = "x", approved_by = "14082400001" }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await host.CountAsync("ledger.events")).ShouldBe(events);
    }

    [Fact]
    public async Task AHandlerOfTheCaseCannotReviewOrApproveItThroughTheApi()
    {
        await host.PostAsync("approver-jishan", $"/cases/{CaseId}/filing", new { on = "2025-03-04", legal_bases = new[] { "商标法第五十七条" } });
        // The reviewer's and the approver's certificates are made handlers of the case…
        var assigned = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/officers",
            new { on = "2025-03-04", officers = new[] { new { certificate_number = "14082400101", name = "审核员" }, new { certificate_number = "14082400001", name = "负责人" } } });
        assigned.StatusCode.ShouldBe(HttpStatusCode.OK, await assigned.Content.ReadAsStringAsync());
        var events = await host.CountAsync("ledger.events");
        // …so the domain refuses them as reviewer and approver (行政处罚法第五十八条), under their own identities.
        var review = await host.PostAsync("reviewer-jishan", $"/cases/{CaseId}/legal-review", new { on = "2025-03-10", approved = true, opinion = "同意" });
        review.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var (field, rule) = await ApiHost.ProblemAsync(review);
        field.ShouldBe("reviewer_id");
        rule.ShouldContain("handler");
        var extension = await host.PostAsync("approver-jishan", $"/cases/{CaseId}/decision", new
        {
            on = "2025-03-28", decision_number = "稷市监处罚〔2025〕30号", items = new object[] { new { kind = "fine", amount = "1000.00" } },
            legal_bases = new[] { "商标法第六十条第二款" },
        });
        extension.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await extension.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(extension)).Field.ShouldBe("approved_by");
        (await host.CountAsync("ledger.events")).ShouldBe(events);
    }
}
