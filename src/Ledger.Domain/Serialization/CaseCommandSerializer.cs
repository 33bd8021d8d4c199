using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Domain.Serialization;

/// <summary>
/// Case commands as JSON objects of their fields ("decision_number", "items": [{"kind": "fine", "amount": "5000.00"}]),
/// named by action ("decide_penalty"): the form of import files and of the HTTP API. The same conventions as the
/// events (<see cref="CaseEventSerializer.Options"/>): snake_case, enums as snake_case strings, dates ISO, money as
/// strings of yuan, unknown fields refused. A field left out that may be empty is read as empty (null, or an empty list).
/// </summary>
public static class CaseCommandSerializer
{
    private static readonly Dictionary<string, Type> TypeByAction = typeof(CaseCommand)
        .GetNestedTypes(BindingFlags.Public)
        .Where(t => t.IsSubclassOf(typeof(CaseCommand)))
        .ToDictionary(t => SnakeCase.Of(t.Name), t => t, StringComparer.Ordinal);

    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>Every action's name, in alphabetical order.</summary>
    public static IReadOnlyList<string> Actions { get; } = [.. TypeByAction.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The fields of <paramref name="command"/> as a JSON object (its action is <see cref="CaseCommand.Name"/>).</summary>
    public static JsonObject ToFields(CaseCommand command) =>
        JsonSerializer.SerializeToNode(command, command.GetType(), CaseEventSerializer.Options)!.AsObject();

    /// <summary>
    /// Reads the command <paramref name="action"/> from <paramref name="fields"/>; throws <see cref="DomainRuleViolation"/>
    /// naming the field (as a path such as <c>items[0].amount</c>) and what it must be.
    /// </summary>
    public static CaseCommand FromFields(string? action, JsonObject fields)
    {
        if (string.IsNullOrWhiteSpace(action) || !TypeByAction.TryGetValue(action.Trim(), out var type))
            throw new DomainRuleViolation("action", $"'{action}' is not an action of a case; the actions are {string.Join(", ", Actions)}");
        return (CaseCommand)FromFields(type, action.Trim(), fields);
    }

    /// <summary>
    /// Reads a command record of <paramref name="type"/> (a case command, or another command in the same conventions,
    /// such as a typical-case selection's) from <paramref name="fields"/>, with the same rules and messages.
    /// </summary>
    public static object FromFields(Type type, string action, JsonObject fields)
    {
        var complete = (JsonObject)fields.DeepClone();
        var parameters = type.GetConstructors().Single(c => c.GetParameters().Length > 0).GetParameters();
        foreach (var parameter in parameters)
        {
            var name = SnakeCase.Of(parameter.Name!);
            if (complete.ContainsKey(name) || parameter.HasDefaultValue) continue;
            if (IsList(parameter.ParameterType)) complete[name] = new JsonArray();
            else if (Nullable.GetUnderlyingType(parameter.ParameterType) is not null
                     || Nullability.Create(parameter).WriteState == NullabilityState.Nullable) complete[name] = null;
            else throw new DomainRuleViolation(name, $"{action} needs {name}");
        }
        try
        {
            return complete.Deserialize(type, CaseEventSerializer.Options)
                ?? throw new DomainRuleViolation("fields", $"{action} needs its fields as a JSON object");
        }
        catch (JsonException e)
        {
            throw new DomainRuleViolation(FieldOf(e.Path), RuleOf(e, type));
        }
        catch (InvalidOperationException e)
        {
            throw new DomainRuleViolation("fields", e.Message);
        }
    }

    private static bool IsList(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>);

    private static string FieldOf(string? path) =>
        path is null or "$" ? "fields" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    /// <summary>
    /// Our converters' messages say what a value must be; the serializer's own name CLR types, so for those the
    /// expected type is worked out from the field's path and said in words.
    /// </summary>
    private static string RuleOf(JsonException e, Type commandType)
    {
        var message = e.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal)) return "is not a field of this action";
        if (message.Contains("could not be converted", StringComparison.Ordinal) || message.Contains("null", StringComparison.Ordinal))
        {
            var expected = TypeAt(commandType, FieldOf(e.Path));
            if (expected is null) return "does not have the right type";
            var nullable = Nullable.GetUnderlyingType(expected) is not null;
            return $"must be {Describe(Nullable.GetUnderlyingType(expected) ?? expected)}{(nullable ? " or null" : "")}";
        }
        return message.Split(" Path:", 2)[0];
    }

    /// <summary>The type of the member a path such as <c>items[0].kind</c> names, from <paramref name="root"/>.</summary>
    private static Type? TypeAt(Type root, string path)
    {
        Type? type = root;
        foreach (var segment in path.Split('.'))
        {
            var name = segment.Split('[', 2)[0];
            var property = type?.GetProperties().FirstOrDefault(p => SnakeCase.Of(p.Name) == name);
            type = property?.PropertyType;
            if (type is not null && segment.Contains('[') && IsList(type)) type = type.GetGenericArguments()[0];
        }
        return type;
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(string) => "a string",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(NodaTime.LocalDate) => "a date such as \"2025-02-19\"",
        _ when type == typeof(Money) => "an amount as a string of yuan such as \"5000.00\"",
        _ when type == typeof(RegionCode) => "a six-digit region code as a string",
        { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type).Select(SnakeCase.Of))}",
        _ when IsList(type) => $"a list of {Describe(type.GetGenericArguments()[0])}",
        _ => $"an object with the fields {string.Join(", ", type.GetProperties().Where(p => p.CanWrite).Select(p => SnakeCase.Of(p.Name)))}",
    };
}
