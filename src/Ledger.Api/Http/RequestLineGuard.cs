using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Ledger.Api;

/// <summary>
/// Kestrel refuses a request line whose target is not ASCII (RFC 3986 has UTF-8 percent-encoded) with a bare 400 while
/// it parses it, before any of the API runs. This connection middleware reads a connection's first request line before
/// Kestrel does and answers such a request with a problem detail naming the query or the path, as every other refusal
/// is answered. Later requests on a kept-alive connection are left to Kestrel's own refusal: following request
/// boundaries through bodies is the parser's work (decision record 0004).
/// </summary>
public static class RequestLineGuard
{
    private const int MaxRequestLine = 8 * 1024;

    /// <summary>The middleware, for <c>ListenOptions.Use</c> (after <c>UseHttps</c>, so it reads the decrypted line).</summary>
    public static ConnectionDelegate Use(ConnectionDelegate next) => async connection =>
    {
        try
        {
            if (await RefusedAsync(connection.Transport, connection.ConnectionClosed)) return;
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionResetException or IOException)
        {
            return; // the client went away before its request line was complete
        }
        await next(connection);
    };

    private static async Task<bool> RefusedAsync(IDuplexPipe transport, CancellationToken ct)
    {
        var input = transport.Input;
        while (true)
        {
            var read = await input.ReadAsync(ct);
            var buffer = read.Buffer;
            var end = buffer.PositionOf((byte)'\n');
            if (end is null && !read.IsCompleted && buffer.Length < MaxRequestLine)
            {
                input.AdvanceTo(buffer.Start, buffer.End); // nothing consumed, all examined: wait for more
                continue;
            }
            var line = (end is null ? buffer : buffer.Slice(0, end.Value)).ToArray();
            input.AdvanceTo(buffer.Start); // nothing consumed: Kestrel reads the same bytes
            if (FieldOfNonAscii(line) is not { } field) return false;
            await RespondAsync(transport.Output, field, ct);
            return true;
        }
    }

    /// <summary>"query" or "path" when the request target holds a byte that is not ASCII; null otherwise.</summary>
    internal static string? FieldOfNonAscii(ReadOnlySpan<byte> line)
    {
        var start = line.IndexOf((byte)' ');
        if (start < 0) return null;
        var target = line[(start + 1)..];
        var stop = target.IndexOf((byte)' ');
        if (stop >= 0) target = target[..stop];
        var nonAscii = target.IndexOfAnyInRange((byte)0x80, (byte)0xFF);
        if (nonAscii < 0) return null;
        var query = target.IndexOf((byte)'?');
        return query >= 0 && query < nonAscii ? "query" : "path";
    }

    private static async Task RespondAsync(PipeWriter output, string field, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(
            "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\",\"title\":\"One or more validation errors occurred.\",\"status\":400," +
            $"\"errors\":{{\"{field}\":[\"is not percent-encoded: a request target carries only ASCII, UTF-8 goes as %XX (RFC 3986), e.g. 稷山县 as %E7%A8%B7%E5%B1%B1%E5%8E%BF\"]}}}}");
        var head = Encoding.ASCII.GetBytes(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\n" +
            $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await output.WriteAsync(head, ct);
        await output.WriteAsync(body, ct);
        await output.CompleteAsync();
    }
}
