using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

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
            throw new ApiProblem(e.StatusCode, "body", e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"is at most {MaxBytes} bytes" : $"did not arrive whole ({e.Message.TrimEnd('.')})");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (node is not JsonObject fields)
            throw new ApiProblem(StatusCodes.Status400BadRequest, "body", "is a JSON object of the action's fields");
        try
        {
            CheckText(fields, "");
        }
        catch (InvalidOperationException)
        {
            // A key that is not valid text (read when the object is first walked).
            throw new ApiProblem(StatusCodes.Status400BadRequest, "body", "holds a key that is not valid text: a lone surrogate or bytes that are not UTF-8");
        }
        return fields;
    }

    /// <summary>
    /// Free text is prose for the case file and, later, for publication: HTML markup and control characters have no
    /// place in it, and refusing them here means no page that ever shows this text can be made to run a script.
    /// </summary>
    private static void CheckText(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj) CheckText(value, path.Length == 0 ? name : $"{path}.{name}");
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) CheckText(array[i], $"{path}[{i}]");
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                string text;
                try
                {
                    text = value.GetValue<string>();
                }
                catch (InvalidOperationException)
                {
                    // System.Text.Json decodes a string only when it is read: a lone surrogate escape ("\ud800") or bytes
                    // that are not UTF-8 surface here.
                    throw new ApiProblem(StatusCodes.Status400BadRequest, path, "is not valid text: a lone surrogate (\\ud800–\\udfff) or bytes that are not UTF-8");
                }
                if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\t' and not '\r'))
                    throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, path, "free text may not contain control characters");
                // A right-to-left override (U+202E) or zero-width character makes a document or the audit log read
                // otherwise than it is stored: no case file needs one.
                if (text.Any(c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
                    throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, path, "free text may not contain invisible format characters such as U+202E (right-to-left override) or U+200B (zero-width space)");
                if (HasMarkup(text))
                    throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, path, "free text may not contain HTML markup such as '<script' (write 《》 for titles)");
                if (SqlStatement.IsMatch(text))
                    throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, path, "free text may not carry an SQL statement such as \"'; DROP TABLE\" (a quote or semicolon followed by SQL)");
                break;
        }
    }

    // Every value is bound as a parameter, so SQL in free text could run nowhere; it is still refused, as a probe has
    // no place in a case file and refusing it says so to whoever sent it. Only a quote or semicolon followed by an
    // SQL statement keyword, a comment, or a tautology (' OR '1'='1) counts: an apostrophe in a name (O'Brien), a
    // semicolon in prose, or quoted marks joined by "and" (销售标有'Levi' and 'Wrangler'商标的牛仔裤) do not.
    private static readonly System.Text.RegularExpressions.Regex SqlStatement = new(
        @"['"";]\s*(--|/\*|;|\b(drop|delete|insert|update|select|union|alter|truncate|create|grant|exec)\b\s*[\w'(*]|\b(or|and)\b\s*'?\w+'?\s*=)",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>A '&lt;' that opens a tag, comment or declaration ("&lt;b", "&lt;/", "&lt;!"), the way browsers read it.</summary>
    public static bool HasMarkup(string text)
    {
        for (var i = text.IndexOf('<'); i >= 0 && i < text.Length - 1; i = text.IndexOf('<', i + 1))
        {
            var next = text[i + 1];
            if (char.IsAsciiLetter(next) || next is '/' or '!' or '?') return true;
        }
        return false;
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
