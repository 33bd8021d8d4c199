using System.Reflection;
using System.Text.Json;
using Ledger.Domain.Typical;

namespace Ledger.Domain.Serialization;

/// <summary>
/// The stored form of a typical-case selection's events: versioned type names (<c>typical_case_nominated.v1</c>) and
/// JSON in the same conventions as case events (<see cref="CaseEventSerializer.Options"/>).
/// </summary>
public static class SelectionEventSerializer
{
    private static readonly Dictionary<Type, string> NameByType = typeof(SelectionEvent)
        .GetNestedTypes(BindingFlags.Public)
        .Where(t => t.IsSubclassOf(typeof(SelectionEvent)))
        .ToDictionary(t => t, t => t.GetCustomAttribute<EventTypeAttribute>()?.Name
            ?? throw new InvalidOperationException($"{t.Name} has no [EventType] name"));

    private static readonly Dictionary<string, Type> TypeByName = NameByType.ToDictionary(p => p.Value, p => p.Key);

    /// <summary>Every selection event type and its stored name.</summary>
    public static IReadOnlyDictionary<Type, string> EventTypes => NameByType;

    /// <summary>The stored type name of <paramref name="event"/>.</summary>
    public static string TypeNameOf(SelectionEvent @event) => NameByType[@event.GetType()];

    /// <summary>The JSON stored for <paramref name="event"/>.</summary>
    public static JsonElement SerializeToElement(SelectionEvent @event) =>
        JsonSerializer.SerializeToElement(@event, @event.GetType(), CaseEventSerializer.Options);

    /// <summary>Reads a stored selection event; an unknown type or malformed data throws <see cref="JsonException"/> naming the type.</summary>
    public static SelectionEvent Deserialize(string typeName, string json)
    {
        if (!TypeByName.TryGetValue(typeName, out var type))
            throw new JsonException($"'{typeName}' is not a typical-case selection event type this version of the ledger knows");
        try
        {
            return (SelectionEvent)(JsonSerializer.Deserialize(json, type, CaseEventSerializer.Options) ?? throw new JsonException($"{typeName}: the data is null"));
        }
        catch (JsonException e)
        {
            throw new JsonException($"{typeName}: {e.Message}", e);
        }
    }
}
