using System.Text.RegularExpressions;

namespace Ledger.EventStore;

/// <summary>
/// The event types a store may append, each with its explicit versioned name (<c>case_filed.v1</c>): the name is what
/// the database keeps, never the CLR type's, so a class can be renamed without rewriting history. Built once at start-up;
/// a bad name or a type named twice is refused there, naming the type.
/// </summary>
public sealed partial class EventTypes
{
    private readonly Dictionary<Type, string> _nameByType = [];
    private readonly Dictionary<string, Type> _typeByName = new(StringComparer.Ordinal);

    public EventTypes(IEnumerable<KeyValuePair<Type, string>> types)
    {
        foreach (var (type, name) in types) Add(type, name);
    }

    /// <summary>Every type and its stored name.</summary>
    public IReadOnlyDictionary<Type, string> All => _nameByType;

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[1-9][0-9]*$")]
    private static partial Regex NameShape();

    /// <summary>True when <paramref name="name"/> is a versioned event type name the store would accept.</summary>
    public static bool IsWellFormed(string? name) => name is { Length: <= 100 } && NameShape().IsMatch(name);

    private void Add(Type type, string name)
    {
        if (!IsWellFormed(name))
            throw new EventStoreValidationException("type",
                $"{type.Name}: must be an explicit versioned name such as 'case_filed.v1' (lower case, dot-separated, ending .vN, at most 100 characters); got '{name}'");
        if (type.IsAbstract || type.IsInterface)
            throw new EventStoreValidationException("type", $"{type.Name}: an event type is a concrete record, not an abstract type or interface");
        if (_nameByType.TryGetValue(type, out var earlier))
            throw new EventStoreValidationException("type", $"{type.Name} is registered twice ('{earlier}' and '{name}')");
        if (_typeByName.TryGetValue(name, out var other))
            throw new EventStoreValidationException("type", $"'{name}' names both {other.Name} and {type.Name}; a stored name means one type");
        _nameByType.Add(type, name);
        _typeByName.Add(name, type);
    }

    /// <summary>The stored name of events of <paramref name="type"/>, or null when it is not an event type of this store.</summary>
    public string? NameOf(Type type) => _nameByType.GetValueOrDefault(type);
}
