using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Application.Cases;
using Ledger.Application.Totals;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using NodaTime;

namespace Ledger.Application.Import;

/// <summary>
/// One action on one case, read from an import file (or generated): where it came from, the command, who recorded
/// it, when its source recorded it (if known) and its idempotency key.
/// </summary>
public sealed record ImportAction(string File, int Line, string CaseId, CaseCommand Command, string Actor, Instant? RecordedAt, string IdempotencyKey);

/// <summary>A row that cannot be imported: file, line, the case (when known), the field and the rule it breaks.</summary>
public sealed record ImportProblem(string File, int Line, string? CaseId, string Field, string Rule)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}: {(CaseId is null ? "" : $"case {CaseId}: ")}{Field}: {Rule}";
}

/// <summary>
/// Reads import files: CSV (RFC 4180, header row) or JSON Lines, one action per row, with the columns
/// <c>case_id, action, on, actor</c>, optionally <c>recorded_at</c> (the instant the source system recorded it, ISO
/// with an offset) and <c>action_id</c> (the source's own id for the action), and the action's fields: in JSON Lines a
/// <c>fields</c> object; in CSV a <c>fields</c> column holding a JSON object and/or one column per field (a cell starting
/// with <c>[</c> or <c>{</c> is JSON, an empty cell is left out). A row's idempotency key is its <c>action_id</c>, or a
/// digest of its content, so importing the same file again writes nothing new.
/// </summary>
public static class ImportFile
{
    private static readonly string[] FixedColumns = ["case_id", "action", "on", "actor", "recorded_at", "action_id", "fields"];

    /// <summary>Reads <paramref name="path"/> by its extension (.csv or .jsonl); rows that cannot be read become problems.</summary>
    public static async Task<(IReadOnlyList<ImportAction> Actions, IReadOnlyList<ImportProblem> Problems)> ReadAsync(string path, CancellationToken ct = default)
    {
        var name = Path.GetFileName(path);
        var bytes = await File.ReadAllBytesAsync(path, ct);
        // A byte-order mark (as some editors save UTF-8) is no part of the first row.
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            // Decoding leniently would put U+FFFD where the source had something else: a silently changed value.
            return ([], NotUtf8Lines(name, bytes));
        }
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => Read(name, CsvRows(name, text)),
            ".jsonl" or ".ndjson" => Read(name, JsonRows(name, text)),
            var other => throw new DomainRuleViolation("file", $"an import file is .csv or .jsonl; got '{other}' ({name})"),
        };
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The lines of a file that are not UTF-8, each a problem (the file is refused whole).</summary>
    private static List<ImportProblem> NotUtf8Lines(string file, byte[] bytes)
    {
        var problems = new List<ImportProblem>();
        var (start, line) = (0, 1);
        while (start <= bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            try
            {
                StrictUtf8.GetString(bytes, start, end - start);
            }
            catch (DecoderFallbackException e)
            {
                problems.Add(new ImportProblem(file, line, null, "row", $"is not UTF-8 text (byte {e.Index + 1} of the line); save the file as UTF-8"));
            }
            (start, line) = (end + 1, line + 1);
        }
        return problems;
    }

    /// <summary>Reads rows already split into lines and objects (what both formats come to).</summary>
    private static (IReadOnlyList<ImportAction>, IReadOnlyList<ImportProblem>) Read(string file, IEnumerable<(int Line, JsonObject? Row, ImportProblem? Problem)> rows)
    {
        var actions = new List<ImportAction>();
        var problems = new List<ImportProblem>();
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, row, problem) in rows)
        {
            if (problem is not null) { problems.Add(problem); continue; }
            if (FieldText.FirstProblem(row) is { } text)
            {
                problems.Add(new ImportProblem(file, line, null, text.Path, text.Rule));
                continue;
            }
            var caseId = row!["case_id"] is JsonValue value && value.TryGetValue<string>(out var id) ? id : null;
            try
            {
                actions.Add(ToAction(file, line, row!, occurrences));
            }
            catch (DomainRuleViolation e)
            {
                problems.Add(new ImportProblem(file, line, string.IsNullOrWhiteSpace(caseId) ? null : caseId, e.Field, e.Rule));
            }
        }
        return (actions, problems);
    }

    private static ImportAction ToAction(string file, int line, JsonObject row, Dictionary<string, int> occurrences)
    {
        var caseId = Text(row, "case_id") ?? throw new DomainRuleViolation("case_id", "every row names its case");
        CaseIds.Validate(caseId);
        var action = Text(row, "action") ?? throw new DomainRuleViolation("action", "every row names its action, such as file_case");
        var actor = Text(row, "actor") ?? throw new DomainRuleViolation("actor", "every row names who recorded the action");
        var on = Text(row, "on") ?? throw new DomainRuleViolation("on", "every row carries the action's effective date (YYYY-MM-DD)");
        Instant? recordedAt = Text(row, "recorded_at") is { } recorded ? TotalsQuery.ParseInstant(recorded, "recorded_at") : null;
        var actionId = Text(row, "action_id");
        if (actionId is { Length: > 200 }) throw new DomainRuleViolation("action_id", "an action id is at most 200 characters");

        var fields = row["fields"] switch
        {
            null => new JsonObject(),
            JsonObject given => (JsonObject)given.DeepClone(),
            _ => throw new DomainRuleViolation("fields", "fields is a JSON object of the action's fields"),
        };
        foreach (var (key, value) in row)
            if (!FixedColumns.Contains(key))
            {
                if (fields.ContainsKey(key)) throw new DomainRuleViolation(key, "is given both as a column and in fields");
                fields[key] = value?.DeepClone();
            }
        if (fields.ContainsKey("on")) throw new DomainRuleViolation("fields.on", "the effective date is the row's on column, not a field");
        fields["on"] = on;
        var command = CaseCommandSerializer.FromFields(action, fields);

        var idempotencyKey = actionId ?? ContentKey(caseId, action, actor, recordedAt, fields, occurrences);
        return new ImportAction(file, line, caseId, command, actor, recordedAt, idempotencyKey);
    }

    /// <summary>
    /// "import:" and a digest of the row's content (canonical JSON, keys sorted), and of how many identical rows came
    /// before it on the same case: the same file gives the same keys, and two identical actions stay two.
    /// </summary>
    private static string ContentKey(string caseId, string action, string actor, Instant? recordedAt, JsonObject fields, Dictionary<string, int> occurrences)
    {
        var canonical = $"{caseId}\n{action}\n{actor}\n{recordedAt}\n{Canonical(fields)}";
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var seen = occurrences.GetValueOrDefault(digest);
        occurrences[digest] = seen + 1;
        return $"import:{digest[..40]}:{seen}";
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    private static string? Text(JsonObject row, string name) => row[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) => s.Trim(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number => v.ToJsonString(),
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v when v.TryGetValue<string>(out _) => null,
        _ => throw new DomainRuleViolation(name, "must be text"),
    };

    private static IEnumerable<(int, JsonObject?, ImportProblem?)> JsonRows(string file, string text)
    {
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonObject? row = null;
            ImportProblem? problem = null;
            try
            {
                row = JsonNode.Parse(line, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
                if (row is null) problem = new ImportProblem(file, lineNumber, null, "row", "each line is one JSON object");
            }
            catch (JsonException e)
            {
                problem = new ImportProblem(file, lineNumber, null, "row", $"not valid JSON ({e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0]})");
            }
            yield return (lineNumber, row, problem);
        }
    }

    private static IEnumerable<(int, JsonObject?, ImportProblem?)> CsvRows(string file, string text)
    {
        var records = CsvRecords(text).ToList();
        if (records.Count == 0) yield break;
        var header = records[0].Fields.Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        foreach (var required in FixedColumns.Take(4))
            if (!header.Contains(required))
            {
                yield return (records[0].Line, null, new ImportProblem(file, records[0].Line, null, required, "the header row has no such column; a CSV import needs case_id, action, on and actor"));
                yield break;
            }
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            if (fields.Count != header.Count)
            {
                yield return (line, null, new ImportProblem(file, line, null, "row", $"has {fields.Count} cells; the header has {header.Count}"));
                continue;
            }
            var row = new JsonObject();
            ImportProblem? problem = null;
            for (var i = 0; i < header.Count && problem is null; i++)
            {
                var cell = fields[i];
                if (cell.Length == 0) continue;
                var isJson = header[i] == "fields" || (!FixedColumns.Contains(header[i]) && cell.TrimStart() is ['[' or '{', ..]);
                if (isJson)
                {
                    try { row[header[i]] = JsonNode.Parse(cell); }
                    catch (JsonException) { problem = new ImportProblem(file, line, null, header[i], "a cell starting with [ or { (or the fields column) is JSON, and this one is not valid JSON"); }
                }
                else row[header[i]] = cell;
            }
            yield return (line, problem is null ? row : null, problem);
        }
    }

    /// <summary>RFC 4180 records with the line each starts on: quoted cells may hold commas, quotes ("") and line breaks.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> CsvRecords(string text)
    {
        var line = 1;
        var start = 1;
        var fields = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') line++; cell.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"' when cell.Length == 0: quoted = true; break;
                case ',': fields.Add(cell.ToString()); cell.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(cell.ToString()); cell.Clear();
                    yield return (start, fields);
                    fields = [];
                    line++;
                    start = line;
                    break;
                default: cell.Append(c); break;
            }
        }
        if (cell.Length > 0 || fields.Count > 0)
        {
            fields.Add(cell.ToString());
            yield return (start, fields);
        }
    }
}
