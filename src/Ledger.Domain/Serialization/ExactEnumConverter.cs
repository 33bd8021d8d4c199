using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ledger.Domain.Serialization;

/// <summary>
/// Enums as their snake_case names, read back only from exactly those names. System.Text.Json's own string-enum
/// converter also reads other casings and comma lists, which it ORs together as flags even for enums that are not
/// flags: <c>"complaint, report"</c> was stored as <c>transfer</c>, and a penalty item <c>"fine, confiscation_of_gains"</c>
/// as <c>confiscation_of_goods</c>, changing the 罚没 totals. None of the ledger's enums is a set of flags.
/// </summary>
public sealed class ExactEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Exact<>).MakeGenericType(typeToConvert))!;

    private sealed class Exact<T> : JsonConverter<T> where T : struct, Enum
    {
        private static readonly FrozenDictionary<string, T> ByName = Enum.GetValues<T>().ToFrozenDictionary(v => SnakeCase.Of(v.ToString()), StringComparer.Ordinal);
        private static readonly FrozenDictionary<T, string> NameOf = ByName.ToFrozenDictionary(p => p.Value, p => p.Key);
        private static readonly string Names = string.Join(", ", Enum.GetValues<T>().Select(v => SnakeCase.Of(v.ToString())));

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException($"must be one of {Names}");
            var text = reader.GetString()!;
            return ByName.TryGetValue(text, out var value) ? value : throw new JsonException($"must be one of {Names} (got '{text}')");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(NameOf.TryGetValue(value, out var name) ? name : throw new JsonException($"{typeof(T).Name} has no value {value}"));

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString()!;
            return ByName.TryGetValue(text, out var value) ? value : throw new JsonException($"must be one of {Names} (got '{text}')");
        }

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(NameOf.TryGetValue(value, out var name) ? name : throw new JsonException($"{typeof(T).Name} has no value {value}"));
    }
}
