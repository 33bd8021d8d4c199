using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Domain.Serialization;

/// <summary>A legal date as ISO "2025-02-19". Ours rather than NodaTime.Serialization.SystemTextJson's, whose refusal says
/// only "could not be converted" where a clerk needs the format (docs/decisions/0001).</summary>
public sealed class LocalDateJsonConverter : JsonConverter<LocalDate>
{
    /// <inheritdoc />
    public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("a date is a string such as \"2025-02-19\"");
        var parsed = LocalDatePattern.Iso.Parse(text);
        if (!parsed.Success) throw new JsonException($"'{text}' is not a date (YYYY-MM-DD)");
        // ISO dates run back to year -9998; a date no record of the administration can carry is a typing error.
        return parsed.Value >= Earliest ? parsed.Value
            : throw new JsonException($"'{text}' is before 1949-10-01, earlier than any record of a People's Republic bureau");
    }

    /// <summary>The founding of the People's Republic: no legal date in the ledger comes before it.</summary>
    public static readonly LocalDate Earliest = new(1949, 10, 1);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(LocalDatePattern.Iso.Format(value));
}

/// <summary>An instant as ISO UTC "2025-02-19T01:30:00Z"; offsets ("+08:00") are accepted when reading, which
/// NodaTime.Serialization.SystemTextJson's converter refuses.</summary>
public sealed class InstantJsonConverter : JsonConverter<Instant>
{
    /// <inheritdoc />
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("an instant is a string such as \"2025-02-19T01:30:00Z\"");
        var utc = InstantPattern.ExtendedIso.Parse(text);
        if (utc.Success) return utc.Value;
        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        return offset.Success ? offset.Value.ToInstant() : throw new JsonException($"'{text}' is not an ISO instant with Z or an offset");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
}

/// <summary>
/// Money as a string of yuan with two decimals ("281300.00"): exact, readable in the database, and castable there
/// with <c>::numeric</c>. Numbers are refused so that no client sends a binary floating-point value.
/// </summary>
public sealed class MoneyJsonConverter : JsonConverter<Money>
{
    /// <inheritdoc />
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("an amount is a string of yuan such as \"5000.00\"");
        try { return Money.ParseYuan(reader.GetString()!); }
        catch (DomainRuleViolation e) { throw new JsonException(e.Rule); }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

/// <summary>A GB/T 2260 region code as its six-digit string.</summary>
public sealed class RegionCodeJsonConverter : JsonConverter<RegionCode>
{
    /// <inheritdoc />
    public override RegionCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("a region is a string of six digits such as \"140824\"");
        try { return RegionCode.Parse(reader.GetString()); }
        catch (DomainRuleViolation e) { throw new JsonException(e.Rule); }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, RegionCode value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
