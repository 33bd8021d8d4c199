using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Ledger.Testing;

/// <summary>
/// Breaks a command's fields in one way that no reader of the ledger may accept, whatever the command: a value of the
/// wrong JSON kind, a key given twice, a lone surrogate or invalid UTF-8 in a string, a truncated document, money outside
/// the grammar, an impossible date, an invisible or control character, an unknown field, a code that is no division, an
/// enum spelt otherwise, or a number past any column. The hostile-input corpora of the API and of import files draw
/// from it with a fixed seed.
/// </summary>
public static partial class HostileJson
{
    /// <summary>How many ways <see cref="Break"/> knows.</summary>
    public const int Ways = 12;

    /// <summary>The way that puts a number too long for any column where a field was.</summary>
    public const int NumberPastAnyColumn = 11;

    /// <summary>Breaks <paramref name="original"/> (left as it is) in the way <paramref name="way"/> (0 to <see cref="Ways"/> − 1;
    /// a way that finds nothing to break in these fields falls back to a value of the wrong kind). Returns what was done
    /// and the UTF-8 bytes of the broken document.</summary>
    public static (string Mutation, byte[] Utf8) Break(Random random, JsonObject original, int way)
    {
        var fields = (JsonObject)original.DeepClone();
        if (fields.Count == 0) fields["on"] = "2025-03-20";
        var leaves = StringLeaves(fields).ToList();
        JsonValue? Pick(Func<string, string, bool> where)
        {
            var matching = leaves.Where(l => where(l.Key, l.Value.GetValue<string>())).ToList();
            return matching.Count == 0 ? null : matching[random.Next(matching.Count)].Value;
        }
        (string, byte[]) Text(string mutation, string text) => (mutation, Encoding.UTF8.GetBytes(text));
        T Any<T>(T[] choices) => choices[random.Next(choices.Length)];

        switch (way)
        {
            case 1:
            {
                var (name, value) = fields.ElementAt(random.Next(fields.Count));
                return Text($"{name} given twice", $"{{\"{name}\":{value?.ToJsonString() ?? "null"},{fields.ToJsonString()[1..]}");
            }
            case 2 when Pick((_, _) => true) is { } leaf:
                leaf.ReplaceWith(JsonValue.Create("SURROGATE-MARK"));
                return Text("a lone surrogate", fields.ToJsonString().Replace("SURROGATE-MARK", "\\ud800x", StringComparison.Ordinal));
            case 3 when Pick((_, _) => true) is { } leaf:
            {
                leaf.ReplaceWith(JsonValue.Create("INVALID-UTF8"));
                var bytes = Encoding.UTF8.GetBytes(fields.ToJsonString());
                var at = bytes.AsSpan().IndexOf("INVALID-UTF8"u8);
                bytes[at] = 0xC3; // a lead byte followed by '(' is no UTF-8
                bytes[at + 1] = 0x28;
                return ("invalid UTF-8 in a string", bytes);
            }
            case 4:
            {
                var text = fields.ToJsonString();
                return Text("a truncated document", text[..random.Next(1, text.Length)]);
            }
            case 5 when Pick((_, v) => Money().IsMatch(v)) is { } money:
                money.ReplaceWith(JsonValue.Create(Any(["+5000", ".5", "5.", "1e3", "5000.001", "1000000000000000000000000000", "92233720368547758.07", " 5000.00", "5,000.00", "-1.00", "５０００"])));
                return Text("money outside the grammar", fields.ToJsonString());
            case 6 when Pick((_, v) => Date().IsMatch(v)) is { } date:
                date.ReplaceWith(JsonValue.Create(Any(["2025-02-30", "2025/03/01", "20250301", "2025-13-01", "0000-01-01", "2025-3-1", "2025-03-01T00:00:00"])));
                return Text("an impossible date", fields.ToJsonString());
            case 7 when Pick((_, v) => v.Length > 0) is { } text:
            {
                var value = text.GetValue<string>();
                text.ReplaceWith(JsonValue.Create(value.Insert(random.Next(value.Length + 1), Any(["\u202E", "\u200B", "\u2066", "\uFEFF", "\u0000", "\u001B"]))));
                return Text("an invisible or control character", fields.ToJsonString());
            }
            case 8:
                fields["zz_" + random.Next(1000)] = "x";
                return Text("an unknown field", fields.ToJsonString());
            case 9 when Pick((k, _) => k.EndsWith("region", StringComparison.Ordinal)) is { } region:
                region.ReplaceWith(JsonValue.Create(Any(["150999", "140899", "990000", "14082", "１４０８２４"])));
                return Text("a code that is no division", fields.ToJsonString());
            case 10 when Pick((k, _) => k is "kind" or "source" or "target") is { } choice:
            {
                var value = choice.GetValue<string>();
                choice.ReplaceWith(JsonValue.Create(Any([$"{value}, {value}", value.ToUpperInvariant(), $"{value} ", "1", Pascal(value)])));
                return Text("an enum spelt otherwise", fields.ToJsonString());
            }
            case NumberPastAnyColumn:
            {
                var name = fields.Select(f => f.Key).ElementAt(random.Next(fields.Count));
                fields[name] = JsonNode.Parse(random.Next(2) == 0 ? "1e400" : "123456789012345678901234567890123");
                return Text($"{name} as a number past any column", fields.ToJsonString());
            }
            default:
            {
                var name = fields.Select(f => f.Key).ElementAt(random.Next(fields.Count));
                fields[name] = fields[name] is JsonObject ? 42 : new JsonObject { ["x"] = 1 };
                return Text($"{name} of the wrong kind", fields.ToJsonString());
            }
        }
    }

    private static string Pascal(string snake) =>
        string.Concat(snake.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));

    private static IEnumerable<(string Key, JsonValue Value)> StringLeaves(JsonNode? node, string key = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                    foreach (var leaf in StringLeaves(child, name)) yield return leaf;
                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                    foreach (var leaf in StringLeaves(child, key)) yield return leaf;
                break;
            case JsonValue value when value.TryGetValue<string>(out _):
                yield return (key, value);
                break;
        }
    }

    [GeneratedRegex(@"^\d+\.\d{2}$")]
    private static partial Regex Money();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex Date();
}
