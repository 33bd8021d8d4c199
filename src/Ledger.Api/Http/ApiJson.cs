using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Ledger.Domain.Serialization;

namespace Ledger.Api;

/// <summary>The API's JSON: the domain's conventions (snake_case, ISO dates, money as strings of yuan), Chinese
/// written as itself, markup-significant characters still escaped.</summary>
public static class ApiJson
{
    /// <summary>
    /// Makes <paramref name="target"/> (ASP.NET's options, which every answer and the OpenAPI schemas use) write as the
    /// domain's events are written, all but dictionary keys: those of a problem's <c>errors</c> are field names as the
    /// caller sent them (<c>If-Match</c>, <c>items[1].amount</c>), and no answer of the API holds a dictionary of the domain's.
    /// </summary>
    public static void Apply(JsonSerializerOptions target)
    {
        var domain = CaseEventSerializer.Options;
        target.PropertyNamingPolicy = domain.PropertyNamingPolicy;
        target.RespectNullableAnnotations = domain.RespectNullableAnnotations;
        target.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        foreach (var converter in domain.Converters) target.Converters.Add(converter);
    }
}
