using System.Globalization;

namespace Ledger.Api;

/// <summary>Query parameters are bound as text and read here, so a bad value is refused naming the parameter and its rule.</summary>
public static class QueryParameters
{
    public static string? Text(HttpRequest request, string name)
    {
        var values = request.Query[name];
        if (values.Count > 1) throw new ApiProblem(StatusCodes.Status400BadRequest, name, "is given once");
        return values.Count == 0 || string.IsNullOrWhiteSpace(values[0]) ? null : values[0];
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
