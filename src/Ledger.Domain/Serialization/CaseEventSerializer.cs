using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ledger.Domain.Serialization;

/// <summary>
/// Turns case events into their stored form — a versioned type name and a JSON object — and back. Property names are
/// snake_case, enums are snake_case strings, dates ISO, money yuan strings. Reading an older version of an event
/// goes through its upcaster, so stored history is never rewritten.
/// </summary>
public static class CaseEventSerializer
{
    /// <summary>The options used for events (and suitable for commands): strict about unknown and missing members.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static readonly Dictionary<Type, string> NameByType = typeof(CaseEvent)
        .GetNestedTypes(BindingFlags.Public)
        .Where(t => t.IsSubclassOf(typeof(CaseEvent)))
        .ToDictionary(t => t, t => t.GetCustomAttribute<EventTypeAttribute>()?.Name
            ?? throw new InvalidOperationException($"{t.Name} has no [EventType] name"));

    private static readonly Dictionary<string, Type> TypeByName = NameByType.ToDictionary(p => p.Value, p => p.Key);

    /// <summary>
    /// Readers of retired shapes: each maps an old version's JSON to the current version's JSON and names it.
    /// </summary>
    private static readonly Dictionary<string, (string CurrentName, Func<JsonObject, JsonObject> Upcast)> Upcasters = new()
    {
        ["amounts_assessed.v1"] = ("amounts_assessed.v2", AmountsAssessedV1ToV2),
        ["penalty_decided.v1"] = ("penalty_decided.v2", PenaltyDecidedV1ToV2),
        ["review_applied.v1"] = ("review_applied.v2", ReviewAppliedV1ToV2),
    };

    /// <summary>Every current event type and its stored name.</summary>
    public static IReadOnlyDictionary<Type, string> EventTypes => NameByType;

    /// <summary>The stored names that are read through an upcaster.</summary>
    public static IReadOnlyCollection<string> RetiredTypeNames => Upcasters.Keys;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            // Stored in jsonb, never embedded in HTML: keep Chinese text readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new LocalDateJsonConverter());
        options.Converters.Add(new InstantJsonConverter());
        options.Converters.Add(new MoneyJsonConverter());
        options.Converters.Add(new RegionCodeJsonConverter());
        options.Converters.Add(new ExactEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>True when <paramref name="typeName"/> is a case event type, current or retired (other streams' events are not).</summary>
    public static bool IsCaseEventType(string typeName) => TypeByName.ContainsKey(typeName) || Upcasters.ContainsKey(typeName);

    /// <summary>The stored type name of <paramref name="event"/> (<c>case_filed.v1</c>).</summary>
    public static string TypeNameOf(CaseEvent @event) => NameByType[@event.GetType()];

    /// <summary>The JSON object stored for <paramref name="event"/>.</summary>
    public static string Serialize(CaseEvent @event) => JsonSerializer.Serialize(@event, @event.GetType(), Options);

    /// <summary>The JSON object stored for <paramref name="event"/>, as an element (what the event store appends).</summary>
    public static JsonElement SerializeToElement(CaseEvent @event) => JsonSerializer.SerializeToElement(@event, @event.GetType(), Options);

    /// <summary>
    /// Reads a stored event of type <paramref name="typeName"/>, upcasting retired versions. Unknown names and malformed
    /// data throw <see cref="JsonException"/> naming the type.
    /// </summary>
    public static CaseEvent Deserialize(string typeName, string json)
    {
        if (Upcasters.TryGetValue(typeName, out var upcaster))
        {
            var node = JsonNode.Parse(json) as JsonObject ?? throw new JsonException($"{typeName}: the data is not a JSON object");
            return Deserialize(upcaster.CurrentName, upcaster.Upcast(node).ToJsonString());
        }
        if (!TypeByName.TryGetValue(typeName, out var type))
            throw new JsonException($"'{typeName}' is not a case event type this version of the ledger knows");
        try
        {
            return (CaseEvent)(JsonSerializer.Deserialize(json, type, Options) ?? throw new JsonException($"{typeName}: the data is null"));
        }
        catch (JsonException e)
        {
            throw new JsonException($"{typeName}: {e.Message}", e);
        }
    }

    /// <summary>
    /// amounts_assessed.v1 carried bare amounts ("turnover": "12000.00"); v2 carries each with the method used to
    /// establish it. Old records said nothing of the method, and the upcast says so rather than inventing one.
    /// </summary>
    /// <summary>review_applied.v1 recorded no applicant: only the party brought reviews then.</summary>
    private static JsonObject ReviewAppliedV1ToV2(JsonObject v1)
    {
        var v2 = (JsonObject)v1.DeepClone();
        v2["applicant"] = "party";
        v2["applicant_name"] = null;
        return v2;
    }

    /// <summary>penalty_decided.v1 recorded no mitigation: a v1 decision is read as one that applied none.</summary>
    private static JsonObject PenaltyDecidedV1ToV2(JsonObject v1)
    {
        var v2 = (JsonObject)v1.DeepClone();
        v2["mitigation"] = null;
        return v2;
    }

    private static JsonObject AmountsAssessedV1ToV2(JsonObject v1)
    {
        var v2 = new JsonObject { ["on"] = v1["on"]?.DeepClone() };
        foreach (var field in new[] { "turnover", "goods_value", "illegal_gains" })
        {
            v2[field] = v1[field] is JsonValue amount
                ? new JsonObject { ["amount"] = amount.DeepClone(), ["method"] = "not recorded (amounts_assessed.v1 carried no method)" }
                : null;
        }
        return v2;
    }
}
