using System.Globalization;

namespace Ledger.Api;

/// <summary>Query parameters are bound as text and read here, so a bad value is refused naming the parameter and its rule.</summary>
public static class QueryParameters
{
    public static string? Text(HttpRequest request, string name)
    {
        var values = request.Query[name];
        if (values.Count > 1) throw new ApiProblem(StatusCodes.Status400BadRequest, name, "is given once");
        var text = values.Count == 0 || string.IsNullOrWhiteSpace(values[0]) ? null : values[0];
        // No value a query takes holds a control character (PostgreSQL refuses U+0000 in text outright) or an invisible
        // format character such as U+202E, which would make the read log say otherwise than was asked.
        var hidden = text?.Where(c => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format).Select(c => (char?)c).FirstOrDefault();
        if (hidden is { } character)
            throw new ApiProblem(StatusCodes.Status400BadRequest, name, $"may not contain control or invisible format characters (found U+{(int)character:X4})");
        return text;
    }

    public static long? Long(HttpRequest request, string name, long min, long max = long.MaxValue)
    {
        if (Text(request, name) is not { } text) return null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
            : throw new ApiProblem(StatusCodes.Status400BadRequest, name, $"is a whole number from {min}{(max == long.MaxValue ? " up" : $" to {max}")} (got '{text}')");
    }

    public static bool Flag(HttpRequest request, string name) => Text(request, name) switch
    {
        null or "false" => false,
        "true" => true,
        var other => throw new ApiProblem(StatusCodes.Status400BadRequest, name, $"is true or false (got '{other}')"),
    };

    /// <summary>Refuses parameters the endpoint does not know: a misspelt filter silently ignored would answer another question.</summary>
    public static void OnlyKnown(HttpRequest request, params string[] known)
    {
        foreach (var name in request.Query.Keys)
            if (!known.Contains(name, StringComparer.Ordinal))
                throw new ApiProblem(StatusCodes.Status400BadRequest, name, $"is not a parameter of this endpoint; it takes {(known.Length == 0 ? "none" : string.Join(", ", known))}");
    }
}
