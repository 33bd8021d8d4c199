using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Ledger.Domain.Serialization;

/// <summary>A string of a command's fields that may not be recorded: where it is, the rule, and whether it is no valid
/// text at all (a lone surrogate, bytes that are not UTF-8) rather than text the ledger refuses.</summary>
public sealed record FieldTextProblem(string Path, string Rule, bool NotText);

/// <summary>
/// The rules every string of a command keeps, whoever sends it (an HTTP body, a line of an import file). Free text is
/// prose for the case file and, later, for publication: control characters, invisible format characters, HTML markup
/// and SQL statements have no place in it, and refusing them at the boundary means no page or document that ever shows
/// the text can be made to run a script or to read otherwise than it is stored.
/// </summary>
public static partial class FieldText
{
    /// <summary>The first string under <paramref name="node"/> that breaks a rule, named by its path; null when none does.</summary>
    public static FieldTextProblem? FirstProblem(JsonNode? node, string path = "")
    {
        try
        {
            return Walk(node, path);
        }
        catch (InvalidOperationException)
        {
            // A key that is not valid text surfaces when the object is first walked.
            return new FieldTextProblem(path.Length == 0 ? "body" : path, "holds a key that is not valid text: a lone surrogate or bytes that are not UTF-8", NotText: true);
        }
    }

    private static FieldTextProblem? Walk(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                    if (Walk(value, path.Length == 0 ? name : $"{path}.{name}") is { } problem) return problem;
                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    if (Walk(array[i], $"{path}[{i}]") is { } problem) return problem;
                return null;
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
                    return new FieldTextProblem(path, "is not valid text: a lone surrogate (\\ud800–\\udfff) or bytes that are not UTF-8", NotText: true);
                }
                return RuleBrokenBy(text) is { } rule ? new FieldTextProblem(path, rule, NotText: false) : null;
            default:
                return null;
        }
    }

    /// <summary>The rule <paramref name="text"/> breaks, or null.</summary>
    public static string? RuleBrokenBy(string text) =>
        text.Any(c => char.IsControl(c) && c is not '\n' and not '\t' and not '\r') ? "free text may not contain control characters"
        // A right-to-left override (U+202E) or zero-width character makes a document or the audit log read otherwise
        // than it is stored: no case file needs one.
        : text.Any(c => char.GetUnicodeCategory(c) == UnicodeCategory.Format)
            ? "free text may not contain invisible format characters such as U+202E (right-to-left override) or U+200B (zero-width space)"
        : HasMarkup(text) ? "free text may not contain HTML markup such as '<script' (write 《》 for titles)"
        : SqlStatement().IsMatch(text) ? "free text may not carry an SQL statement such as \"'; DROP TABLE\" (a quote or semicolon followed by SQL)"
        : null;

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

    // Every value is bound as a parameter, so SQL in free text could run nowhere; it is still refused, as a probe has
    // no place in a case file and refusing it says so to whoever sent it. Only a quote or semicolon followed by an
    // SQL statement keyword, a comment, or a tautology (' OR '1'='1) counts: an apostrophe in a name (O'Brien), a
    // semicolon in prose, or quoted marks joined by "and" (销售标有'Levi' and 'Wrangler'商标的牛仔裤) do not.
    [GeneratedRegex(@"['"";]\s*(--|/\*|;|\b(drop|delete|insert|update|select|union|alter|truncate|create|grant|exec)\b\s*[\w'(*]|\b(or|and)\b\s*'?\w+'?\s*=)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SqlStatement();
}
