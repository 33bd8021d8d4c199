using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Domain.Serialization;

namespace Ledger.Api;

/// <summary>
/// Reads a command's JSON body ourselves rather than through model binding, so that every way a body can be wrong
/// gets its own clear answer: not JSON (415), too large (413), not well-formed or not an object (400), a field
/// holding markup or control characters (422, naming its path).
/// </summary>
public static class RequestBody
{
    /// <summary>The largest body a command takes. The longest real command (a decision with its items and legal bases)
    /// is a few kilobytes; 64 KiB leaves room and bounds what one request can make the server hold.</summary>
    public const int MaxBytes = 64 * 1024;
    /// <summary>Set in a request's items when its body ended early because the client closed its side (logged as 499).</summary>
    public const string ClientClosedRequestKey = "ledger.client-closed-request";

    /// <summary>A key given twice in one object has no meaning a clerk could have intended (which value counts?), so
    /// it is refused, not resolved either way.</summary>
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is not { } type || !type.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
            throw new ApiProblem(StatusCodes.Status415UnsupportedMediaType, "Content-Type", $"a command is sent as application/json (got '{request.ContentType}')");
        if (request.ContentLength > MaxBytes)
            throw new ApiProblem(StatusCodes.Status413PayloadTooLarge, "body", $"is at most {MaxBytes} bytes (got {request.ContentLength})");

        // Content-Length may be absent (chunked) or wrong: count what actually arrives and stop one byte past the limit.
        // The buffer is rented (a command per request would otherwise allocate 64 KiB each); parsing copies out of it.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        JsonNode? node;
        try
        {
            var length = 0;
            int read;
            while (length <= MaxBytes && (read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBytes + 1 - length), ct)) > 0) length += read;
            if (length > MaxBytes)
                throw new ApiProblem(StatusCodes.Status413PayloadTooLarge, "body", $"is at most {MaxBytes} bytes");
            node = JsonNode.Parse(buffer.AsSpan(0, length), documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            var why = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.');
            throw new ApiProblem(StatusCodes.Status400BadRequest, "body", $"is not well-formed JSON{where}: {why}");
        }
        catch (ArgumentException)
        {
            throw new ApiProblem(StatusCodes.Status400BadRequest, "body", "is not valid UTF-8 JSON");
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals while the body arrives: over its MaxRequestBodySize (413, a chunked body has no
            // Content-Length to refuse it earlier), a body shorter than its Content-Length, a malformed chunk (400).
            // A body that ends before its Content-Length means the client closed its side of the connection mid-request:
            // the answer is still sent (it may be reading), but the request log counts it as the client's going away.
            // Kestrel says why only in its message (its RequestRejectionReason is internal), so the message is matched;
            // TlsAndProxyTests pins it, so a Kestrel that words it otherwise fails a test rather than mislogging.
            if (e.StatusCode == StatusCodes.Status400BadRequest && e.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal))
                request.HttpContext.Items[ClientClosedRequestKey] = true;
            throw new ApiProblem(e.StatusCode, "body", e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"is at most {MaxBytes} bytes" : $"did not arrive whole ({e.Message.TrimEnd('.')})");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (node is not JsonObject fields)
            throw new ApiProblem(StatusCodes.Status400BadRequest, "body", "is a JSON object of the action's fields");
        if (FieldText.FirstProblem(fields) is { } problem)
            throw new ApiProblem(problem.NotText ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity, problem.Path, problem.Rule);
        return fields;
    }

    /// <summary>Reads a required header as text of 1 to <paramref name="maxLength"/> visible ASCII characters.</summary>
    public static string RequiredHeader(HttpRequest request, string name, int maxLength)
    {
        var values = request.Headers[name];
        var text = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(text) || text.Length > maxLength || !text.All(c => c is > ' ' and <= '~'))
            throw new ApiProblem(StatusCodes.Status400BadRequest, name,
                $"every command carries one {name} header of 1 to {maxLength} visible ASCII characters, so a retry is recognised and not recorded twice");
        return text;
    }
}
