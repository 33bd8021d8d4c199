using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Ledger.Api.Tests;

/// <summary>
/// The API on Kestrel as <c>ledger serve</c> runs it: with the bureau's server certificate (HTTPS, the session cookie
/// Secure), behind a reverse proxy on this machine that ends TLS and says so in X-Forwarded-Proto, and what Kestrel
/// itself refuses or sees go away.
/// </summary>
public sealed class TlsAndProxyTests : IAsyncLifetime
{
    private readonly ApiHost host = new();
    private readonly string directory = Directory.CreateTempSubdirectory("ledger-tls-").FullName;

    public Task InitializeAsync() => host.InitializeAsync();

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task WithACertificateTheApiServesHttpsAndItsSessionCookieIsSecure()
    {
        var (certificatePath, keyPath, thumbprint) = WriteSelfSignedCertificate();
        var certificate = Listening.LoadCertificate(certificatePath, keyPath, password: null);
        await using var app = await StartAsync(certificate);
        var url = app.Urls.Single();
        url.ShouldStartWith("https://127.0.0.1:");

        using var client = new HttpClient(new HttpClientHandler
        {
            // The test's own certificate, trusted by its thumbprint alone.
            ServerCertificateCustomValidationCallback = (_, served, _, _) => served?.Thumbprint == thumbprint,
            AllowAutoRedirect = false, UseCookies = false,
        }) { BaseAddress = new Uri(url) };
        (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var signIn = await client.PostAsync("/ui/sign-in", new FormUrlEncodedContent([new("token", host.TokenOf("official-jishan"))]));
        signIn.Headers.GetValues("Set-Cookie").Single().ShouldContain("secure", Case.Insensitive);

        using var plain = new HttpClient { BaseAddress = new Uri(url.Replace("https://", "http://")) };
        await Should.ThrowAsync<HttpRequestException>(() => plain.GetAsync("/health"));
    }

    [Fact]
    public async Task BehindAProxyOnThisMachineTheForwardedSchemeCounts()
    {
        await using var app = await StartAsync(certificate: null);
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(app.Urls.Single()) };
        using var proxied = new HttpRequestMessage(HttpMethod.Post, "/ui/sign-in")
        {
            Content = new FormUrlEncodedContent([new("token", host.TokenOf("official-jishan"))]),
        };
        proxied.Headers.Add("X-Forwarded-Proto", "https");
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
        (await client.SendAsync(proxied)).Headers.GetValues("Set-Cookie").Single().ShouldContain("secure", Case.Insensitive);

        var direct = await client.PostAsync("/ui/sign-in", new FormUrlEncodedContent([new("token", host.TokenOf("official-jishan"))]));
        direct.Headers.GetValues("Set-Cookie").Single().ShouldNotContain("secure", Case.Insensitive);
    }

    [Fact]
    public async Task ARawUtf8QueryIsAProblemNamingTheQueryAndTheServerGoesOn()
    {
        // RFC 3986 has a request target percent-encode what is not ASCII; Kestrel alone would answer a bare 400.
        await using var app = await StartAsync(certificate: null);
        var address = new Uri(app.Urls.Single());
        foreach (var (target, field) in new[] { ("/cases?region=稷山县", "query"), ("/cases/稷山县", "path") })
        {
            using var socket = new System.Net.Sockets.TcpClient();
            await socket.ConnectAsync(address.Host, address.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"));
            var answer = await new StreamReader(stream).ReadToEndAsync();
            answer.ShouldStartWith("HTTP/1.1 400 Bad Request");
            answer.ShouldContain("Content-Type: application/problem+json");
            var problem = System.Text.Json.Nodes.JsonNode.Parse(answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])!;
            problem["errors"]![field]![0]!.GetValue<string>().ShouldContain("percent-encoded");
        }
        using var client = new HttpClient { BaseAddress = address };
        (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Percent-encoded, the same query reaches the API and is answered with a problem naming the parameter.
        client.DefaultRequestHeaders.Authorization = new("Bearer", host.TokenOf("official-jishan"));
        var encoded = await client.GetAsync($"/cases?region={Uri.EscapeDataString("稷山县")}");
        ((int)encoded.StatusCode).ShouldBeInRange(400, 499);
        (await ApiHost.ProblemAsync(encoded)).Field.ShouldBe("region");
    }

    [Fact]
    public void ACertificateWithoutItsKeyOrFileIsRefusedNamingTheOption()
    {
        var (certificatePath, _, _) = WriteSelfSignedCertificate();
        Should.Throw<ServerCertificateException>(() => Listening.LoadCertificate(certificatePath, null, null)).Option.ShouldBe("--certificate");
        Should.Throw<ServerCertificateException>(() => Listening.LoadCertificate(Path.Combine(directory, "missing.pem"), null, null))
            .Rule.ShouldContain("no file at");
        Should.Throw<ServerCertificateException>(() => Listening.LoadCertificate(certificatePath, Path.Combine(directory, "missing.key"), null))
            .Option.ShouldBe("--certificate-key");
    }

    [Theory]
    [InlineData("Content-Length: 200", "{\"on\": \"2025-03-05\"", "HTTP/1.1 408 Request Timeout")]
    [InlineData("Transfer-Encoding: chunked", "zz\r\n{\"on\": \"2025-03-05\"}\r\n0\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    public async Task ABodyThatDoesNotArriveWholeIsAProblemNamingTheBody(string framing, string body, string statusLine)
    {
        // A body shorter than its Content-Length whose client then sends nothing more (Kestrel gives up once the body
        // arrives slower than its minimum rate, after a 5 s grace), or a chunk size that is no number: Kestrel refuses
        // them as the body is read, and the API says so as a problem, writing nothing.
        await using var app = await StartAsync(certificate: null);
        var address = new Uri(app.Urls.Single());
        var events = await host.CountAsync("ledger.events");
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(
            $"POST /cases/140824-2025-0900/evidence HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {host.TokenOf("recorder-jishan")}\r\n" +
            $"Idempotency-Key: short-body\r\nContent-Type: application/json\r\n{framing}\r\n\r\n{body}"));
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var answer = await new StreamReader(stream).ReadToEndAsync(wait.Token);
        answer.ShouldStartWith(statusLine, customMessage: answer);
        answer.ShouldContain("application/problem+json");
        answer.ShouldContain("\"errors\":{\"body\":[\"did not arrive whole"); // the (chunked) problem names the body
        (await host.CountAsync("ledger.events")).ShouldBe(events);
    }

    [Fact]
    public async Task AClientThatGoesAwayMidRequestIsLogged499AndNoError()
    {
        var log = new CapturedLog();
        await using var app = await StartAsync(certificate: null, log);
        var address = new Uri(app.Urls.Single());
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(address.Host, address.Port);
            await socket.GetStream().WriteAsync(System.Text.Encoding.UTF8.GetBytes(
                $"POST /cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {host.TokenOf("recorder-jishan")}\r\nIdempotency-Key: gone-1\r\n" +
                "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"case_id\": \"140824-2025-"));
            await Task.Delay(300);
        }
        for (var waited = 0; waited < 50 && !log.Entries.Any(e => e.Message.StartsWith("POST /cases", StringComparison.Ordinal)); waited++) await Task.Delay(100);

        log.Entries.ShouldContain(e => e.Message.StartsWith("POST /cases 499 ", StringComparison.Ordinal));
        log.Entries.Where(e => e.Level >= LogLevel.Warning).ShouldBeEmpty();
    }

    private sealed class CapturedLog : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(CapturedLog log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) log.Entries.Enqueue((logLevel, formatter(state, exception)));
            }
        }
    }

    private async Task<WebApplication> StartAsync(X509Certificate2? certificate, ILoggerProvider? log = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(LedgerApi).Assembly.GetName().Name });
        builder.Configuration["Ledger:Connection"] = host.Db.App.ConnectionString;
        builder.Configuration["Ledger:BackgroundSeconds"] = "0";
        builder.Logging.ClearProviders();
        if (log is not null) builder.Logging.AddProvider(log);
        Listening.Listen(builder, new IPEndPoint(IPAddress.Loopback, 0), certificate);
        var app = LedgerApi.Build(builder);
        await app.StartAsync();
        return app;
    }

    private (string Certificate, string Key, string Thumbprint) WriteSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(directory, "server.pem");
        var keyPath = Path.Combine(directory, "server.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath, certificate.Thumbprint);
    }
}
