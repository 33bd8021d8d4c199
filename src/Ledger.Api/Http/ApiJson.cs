using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Ledger.Domain.Serialization;

namespace Ledger.Api;

/// <summary>The API's JSON: the domain's conventions (snake_case, ISO dates, money as strings of yuan), Chinese
/// written as itself, markup-significant characters still escaped.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(CaseEventSerializer.Options)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>
    /// Makes <paramref name="target"/> (ASP.NET's options for typed results) write as <see cref="Options"/> does, all but
    /// dictionary keys: those of a problem's <c>errors</c> are field names as the caller sent them (<c>If-Match</c>,
    /// <c>items[1].amount</c>), and no answer of the API holds a dictionary of the domain's.
    /// </summary>
    public static void Apply(JsonSerializerOptions target)
    {
        target.PropertyNamingPolicy = Options.PropertyNamingPolicy;
        target.Encoder = Options.Encoder;
        target.RespectNullableAnnotations = Options.RespectNullableAnnotations;
        foreach (var converter in Options.Converters) target.Converters.Add(converter);
    }
}
