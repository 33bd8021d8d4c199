using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ledger.EventStore;

/// <summary>
/// The text PostgreSQL prints for a jsonb value (<c>data::text</c>), computed without a database: object keys
/// ordered by UTF-8 length and then bytewise (jsonb's storage order, duplicates keeping the last), ", " and ": "
/// separators, strings escaped as PostgreSQL's escape_json does. The hash chain covers this text, so a bulk loader
/// can chain events before they reach the server and a verifier can rebuild the text from a parsed document.
/// </summary>
public static class JsonbText
{
    /// <summary>The jsonb text of <paramref name="value"/>.</summary>
    public static string Of(JsonElement value)
    {
        var text = new StringBuilder();
        Write(value, text);
        return text.ToString();
    }

    private static void Write(JsonElement value, StringBuilder text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var member in value.EnumerateObject()) members[member.Name] = member.Value;
                text.Append('{');
                var first = true;
                foreach (var (name, member) in members.OrderBy(m => m.Key, KeyOrder.Instance))
                {
                    if (!first) text.Append(", ");
                    first = false;
                    WriteString(name, text);
                    text.Append(": ");
                    Write(member, text);
                }
                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!firstItem) text.Append(", ");
                    firstItem = false;
                    Write(item, text);
                }
                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(value.GetString()!, text);
                break;
            case JsonValueKind.Number:
                // jsonb keeps numbers as numeric; integers and plain decimals print as written.
                var raw = value.GetRawText();
                text.Append(raw.Contains('e', StringComparison.OrdinalIgnoreCase)
                    ? decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
                    : raw);
                break;
            case JsonValueKind.True: text.Append("true"); break;
            case JsonValueKind.False: text.Append("false"); break;
            case JsonValueKind.Null: text.Append("null"); break;
            default: throw new ArgumentException($"not a JSON value: {value.ValueKind}", nameof(value));
        }
    }

    private static void WriteString(string value, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < ' ') text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }

    private sealed class KeyOrder : IComparer<string>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            if (Ascii.IsValid(x) && Ascii.IsValid(y))
                return x!.Length != y!.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
            var a = Encoding.UTF8.GetBytes(x!);
            var b = Encoding.UTF8.GetBytes(y!);
            return a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.AsSpan().SequenceCompareTo(b);
        }
    }
}
