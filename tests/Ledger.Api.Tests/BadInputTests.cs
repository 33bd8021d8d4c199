using System.Net;
using System.Text;

namespace Ledger.Api.Tests;

/// <summary>
/// Given a case, when a client sends malformed, oversized, mistyped or hostile input, then each is a clear 4xx
/// naming the field and rule, nothing is written, and the server goes on serving.
/// </summary>
public sealed class BadInputTests(BadInputTests.OneCase fixture) : IClassFixture<BadInputTests.OneCase>, IAsyncLifetime
{
    /// <summary>One API and one registered case for the whole class (its tests run one after another): each test counts
    /// what was written before it, so "nothing written" is still checked test by test.</summary>
    public sealed class OneCase : IAsyncLifetime
    {
        public ApiHost Host { get; } = new();

        public async Task InitializeAsync()
        {
            await Host.InitializeAsync();
            await Host.RegisterAsync(CaseId, "140824", "recorder-jishan");
        }

        public Task DisposeAsync() => Host.DisposeAsync();
    }

    private readonly ApiHost host = fixture.Host;
    private const string CaseId = "140824-2025-0400";
    private long events, reads;

    public async Task InitializeAsync()
    {
        events = await host.CountAsync("ledger.events");
        reads = await host.CountAsync("ledger.case_reads");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task NothingWrittenAndStillServingAsync()
    {
        (await host.CountAsync("ledger.events")).ShouldBe(events);
        (await host.CountAsync("ledger.case_reads")).ShouldBe(reads);
        (await host.Client("auditor-jishan").GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", new { on = "2025-03-05", description = "笔录" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        events++;
    }

    private async Task<HttpResponseMessage> PostRawAsync(string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return await host.Client("recorder-jishan").SendAsync(request);
    }

    [Theory]
    [InlineData("{\"on\": \"2025-03-05\", \"description\": ", HttpStatusCode.BadRequest, "body")]
    [InlineData("{\"on\": \"2025-03-05\" \"description\": \"x\"}", HttpStatusCode.BadRequest, "body")]
    [InlineData("[1, 2, 3]", HttpStatusCode.BadRequest, "body")]
    [InlineData("\"evidence\"", HttpStatusCode.BadRequest, "body")]
    [InlineData("", HttpStatusCode.BadRequest, "body")]
    [InlineData("{\"on\": \"2025-03-05\", \"description\": \"x\", \"descriptoin\": \"typo\"}", HttpStatusCode.UnprocessableEntity, "descriptoin")]
    [InlineData("{\"on\": 20250305, \"description\": \"x\"}", HttpStatusCode.UnprocessableEntity, "on")]
    [InlineData("{\"on\": \"2025-02-30\", \"description\": \"x\"}", HttpStatusCode.UnprocessableEntity, "on")]
    [InlineData("{\"on\": \"2025-03-05\", \"description\": 42}", HttpStatusCode.UnprocessableEntity, "description")]
    [InlineData("{\"on\": \"2025-03-05\"}", HttpStatusCode.UnprocessableEntity, "description")]
    [InlineData("{\"on\": \"2025-03-05\", \"description\": \"<script>alert(document.cookie)</script>\"}", HttpStatusCode.UnprocessableEntity, "description")]
    [InlineData("{\"on\": \"2025-03-05\", \"description\": \"见附件<img src=x onerror=alert(1)>\"}", HttpStatusCode.UnprocessableEntity, "description")]
    [InlineData("{\"on\": \"2025-03-05\", \"description\": \"x\\u0000y\"}", HttpStatusCode.UnprocessableEntity, "description")]
    public async Task MalformedOrMistypedBodiesAreRefusedNamingTheField(string body, HttpStatusCode status, string field)
    {
        var response = await PostRawAsync($"/cases/{CaseId}/evidence", new StringContent(body, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe(field);
        await NothingWrittenAndStillServingAsync();
    }

    [Fact]
    public async Task WrongTypesDeepInACommandNameTheirPath()
    {
        var response = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/assessment", new { on = "2025-03-10", turnover = new { amount = 8600.5, method = "核算" } });
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var (field, rule) = await ApiHost.ProblemAsync(response);
        field.ShouldBe("turnover.amount");
        rule.ShouldContain("yuan");
        var lead = ApiHost.Lead("140824-2025-0401", "140824");
        lead["party"] = new { kind = "robot", name = "x" };
        var kind = await host.PostAsync("recorder-jishan", "/cases", lead);
        (await ApiHost.ProblemAsync(kind)).Field.ShouldBe("party.kind");
        await NothingWrittenAndStillServingAsync();
    }

    [Fact]
    public async Task OversizeBodiesAre413WithOrWithoutAContentLength()
    {
        var big = "{\"on\": \"2025-03-05\", \"description\": \"" + new string('证', 40_000) + "\"}";
        var sized = await PostRawAsync($"/cases/{CaseId}/evidence", new StringContent(big, Encoding.UTF8, "application/json"));
        sized.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await ApiHost.ProblemAsync(sized)).Field.ShouldBe("body");

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        var streamed = await PostRawAsync($"/cases/{CaseId}/evidence", chunked);
        streamed.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        await NothingWrittenAndStillServingAsync();
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIs415()
    {
        var response = await PostRawAsync($"/cases/{CaseId}/evidence", new StringContent("on=2025-03-05&description=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe("Content-Type");
        await NothingWrittenAndStillServingAsync();
    }

    [Theory]
    [InlineData("/cases?region=140824'%20OR%20'1'='1", "region")]
    [InlineData("/cases?region=140824;DROP%20TABLE%20ledger.events", "region")]
    [InlineData("/cases?status=closed'--", "status")]
    [InlineData("/cases?kind=trademark)%20or%20(1=1", "kind")]
    [InlineData("/cases?flag=x'%3B%20delete%20from%20ledger.case_view%3B--", "flag")]
    [InlineData("/cases?campaign=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "campaign")]
    [InlineData("/cases?filed_from=2025-01-01'%20or%201=1--", "filed_from")]
    [InlineData("/cases?limit=10;select%20pg_sleep(10)", "limit")]
    [InlineData("/cases?limit=1001", "limit")]
    [InlineData("/cases?offset=-1", "offset")]
    [InlineData("/cases?overdue=yes", "overdue")]
    [InlineData("/cases?regoin=140824", "regoin")]
    [InlineData("/cases/140824-2025-0400'%20or%20'1'='1", "case_id")]
    [InlineData("/cases/140824-2025-0400?version=1%20union%20select%201", "version")]
    [InlineData("/cases/140824-2025-0400?asOf=now()", "asOf")]
    [InlineData("/totals?from=2025-01-01'--&to=2025-12-31", "from")]
    [InlineData("/totals?from=2025-01-01&to=2025-12-31&by=region;drop%20table%20x", "by")]
    [InlineData("/totals?from=2025-01-01&to=2025-12-31&region=all'--", "region")]
    public async Task InjectionInFiltersIsRefusedNamingTheParameter(string path, string field)
    {
        var user = path.StartsWith("/totals") ? "official-jishan" : "auditor-jishan";
        var response = await host.Client(user).GetAsync(path);
        ((int)response.StatusCode).ShouldBeInRange(400, 422, await response.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe(field);
        await NothingWrittenAndStillServingAsync();
    }

    [Theory]
    [InlineData("x'); DROP TABLE ledger.events; --")]
    [InlineData("张三' OR '1'='1")]
    [InlineData("鞋铺\"; delete from ledger.case_view")]
    [InlineData("见笔录'; --")]
    [InlineData("1 UNION SELECT token_hash FROM ledger.api_users; SELECT 1")]
    public async Task SqlInFreeTextIsRefusedNamingTheField(string hostile)
    {
        var response = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", new { on = "2025-03-05", description = hostile });
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        var (field, rule) = await ApiHost.ProblemAsync(response);
        field.ShouldBe("description");
        rule.ShouldContain("SQL");
        await NothingWrittenAndStillServingAsync();
    }

    [Theory]
    [InlineData("O'Brien's shop; goods seized")]
    [InlineData("当事人称：货源不明；已责令停止销售")]
    [InlineData("Levi's 501 jeans, 'original' label")]
    [InlineData("销售标有'Levi' and 'Wrangler'商标的牛仔裤")]
    [InlineData("货架上的'N' or 'NB'字样")]
    public async Task ProseWithApostrophesAndSemicolonsIsKeptVerbatim(string prose)
    {
        // Every value is bound as a parameter; prose is stored exactly as sent.
        var response = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", new { on = "2025-03-05", description = prose });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var history = await host.Client("auditor-jishan").GetFromJsonObjectAsync($"/cases/{CaseId}/history");
        history["events"]!.AsArray().Last()!["data"]!["description"]!.GetValue<string>().ShouldBe(prose);
        (await host.CountAsync("ledger.events")).ShouldBe(events + 1);
    }

    [Fact]
    public async Task AKeyGivenTwiceInOneObjectIsRefusedNotResolvedEitherWay()
    {
        var response = await PostRawAsync($"/cases/{CaseId}/evidence",
            new StringContent("""{"on": "2025-03-05", "description": "a", "description": "b"}""", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        var (field, rule) = await ApiHost.ProblemAsync(response);
        field.ShouldBe("body");
        rule.ShouldContain("Duplicate property 'description'");
        await NothingWrittenAndStillServingAsync();
    }

    [Theory]
    [InlineData("complaint, report")]   // System.Text.Json's converter read this as the flags OR: transfer
    [InlineData("Complaint")]
    [InlineData("COMPLAINT")]
    [InlineData("1")]
    [InlineData(" complaint")]
    public async Task AnEnumTakesExactlyItsDocumentedSpelling(string source)
    {
        var lead = ApiHost.Lead("140824-2025-0401", "140824");
        lead["source"] = source;

        var response = await host.PostAsync("recorder-jishan", "/cases", lead);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        var (field, rule) = await ApiHost.ProblemAsync(response);
        field.ShouldBe("source");
        rule.ShouldContain("must be one of");
        rule.ShouldContain("complaint");
        await NothingWrittenAndStillServingAsync();
    }

    [Fact]
    public async Task APenaltyItemKindListIsNotReadAsAnotherKind()
    {
        var response = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/advance-notice", new
        {
            on = "2025-03-25", proposed_items = new[] { new { kind = "fine, confiscation_of_gains", amount = "5000.00" } },
            legal_bases = new[] { "商标法第六十条第二款" },
        });

        ((int)response.StatusCode).ShouldBe(422, await response.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe("proposed_items[0].kind");
        await NothingWrittenAndStillServingAsync();
    }

    [Theory]
    [InlineData("1000000000000000000000000000")]       // was a 500 (overflow)
    [InlineData("92233720368547758.07")]               // passed validation, then overflowed the column
    [InlineData("5000.0000000000000000000000000001")]  // was rounded to 5000.00
    [InlineData("+5000")]
    [InlineData(".5")]
    [InlineData("5.")]
    public async Task AnAmountOutsideTheMoneyGrammarIsRefusedNamingItsPath(string amount)
    {
        var response = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/assessment",
            new Dictionary<string, object> { ["on"] = "2025-03-10", ["goods_value"] = new { amount, method = "按标价计算" } });

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe("goods_value.amount");
        await NothingWrittenAndStillServingAsync();
    }

    [Theory]
    [InlineData("""{"on": "2025-03-05", "description": "笔录\ud800"}""")]           // a lone high surrogate, escaped
    [InlineData("""{"on": "2025-03-05", "description": "\udc00笔录"}""")]           // a lone low surrogate
    public async Task ALoneSurrogateInAStringIsRefusedNotA500(string body)
    {
        var response = await PostRawAsync($"/cases/{CaseId}/evidence", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe("description");
        await NothingWrittenAndStillServingAsync();
    }

    [Fact]
    public async Task InvalidUtf8InsideAStringIsRefusedNotA500()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"on": "2025-03-05", "description": "笔录XX"}""");
        var at = Array.IndexOf(bytes, (byte)'X');
        bytes[at] = 0xC3; bytes[at + 1] = 0x28; // a two-byte sequence cut short
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await PostRawAsync($"/cases/{CaseId}/evidence", content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe("description");
        await NothingWrittenAndStillServingAsync();
    }

    [Theory]
    [InlineData("罚款\u202E元00005")]   // right-to-left override: reads as another amount
    [InlineData("现场\u200B检查")]     // zero-width space
    [InlineData("\uFEFF笔录")]         // a byte-order mark inside the text
    public async Task InvisibleFormatCharactersInFreeTextAreRefused(string text)
    {
        var response = await host.PostAsync("recorder-jishan", $"/cases/{CaseId}/evidence", new { on = "2025-03-05", description = text });

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        var (field, rule) = await ApiHost.ProblemAsync(response);
        (field, rule.Contains("format characters")).ShouldBe(("description", true));
        await NothingWrittenAndStillServingAsync();
    }

    [Fact]
    public async Task APurposeWithARightToLeftOverrideIsRefusedAndNothingIsRead()
    {
        var response = await host.Client("auditor-jishan").GetAsync($"/cases/{CaseId}?purpose={Uri.EscapeDataString("复查\u202E")}");

        ((int)response.StatusCode).ShouldBeInRange(400, 422, await response.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe("purpose");
        await NothingWrittenAndStillServingAsync();
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimitIs413NotA500()
    {
        var body = "{\"on\": \"2025-03-05\", \"description\": \"" + new string('证', 40_000) + "\"}";
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/cases/{CaseId}/evidence") { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Headers.TransferEncodingChunked = true;

        var response = await host.Client("recorder-jishan").SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await response.Content.ReadAsStringAsync());
        (await ApiHost.ProblemAsync(response)).Field.ShouldBe("body");
        await NothingWrittenAndStillServingAsync();
    }
}
