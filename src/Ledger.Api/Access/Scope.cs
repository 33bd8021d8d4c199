using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Ledger.Application.Access;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Npgsql;

namespace Ledger.Api;

/// <summary>Region scope: a user acts on and reads what lies in their region and below, never above or beside it.</summary>
public static class Scope
{
    public static void Require(ApiUser caller, RegionCode region, string field)
    {
        if (!caller.Covers(region))
            throw new ApiProblem(StatusCodes.Status403Forbidden, field,
                $"region {region.Value} is outside your scope {caller.ScopeLabel} (you act on your region and the regions within it)");
    }

    /// <summary>
    /// Refuses a case outside the caller's scope exactly as a case that does not exist is refused, so that a county user
    /// cannot learn by trying which case numbers another region holds.
    /// </summary>
    public static void RequireCase(ApiUser caller, string caseId, RegionCode? region)
    {
        if (region is null || !caller.Covers(region)) throw NoSuchCase(caseId);
    }

    /// <summary>The answer to a case that does not exist, or is not the caller's to see.</summary>
    public static ApiProblem NoSuchCase(string caseId) =>
        new(StatusCodes.Status404NotFound, "id", $"no case '{caseId}' is recorded in this ledger within your scope");

    /// <summary>The region a read asks for: the caller's own when none is given, else one within it.</summary>
    public static RegionCode? Narrow(ApiUser caller, RegionCode? asked, string field)
    {
        if (asked is null) return caller.Region;
        Require(caller, asked, field);
        return asked;
    }
}

/// <summary>The region each case is kept in, from the case view (written with every command).</summary>
public sealed class CaseRegions(NpgsqlDataSource dataSource)
{
    public async Task<RegionCode?> RegionOfAsync(string caseId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select region from ledger.case_view where case_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caseId });
        return await command.ExecuteScalarAsync(ct) is string region ? RegionCode.Parse(region) : null;
    }
}

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
