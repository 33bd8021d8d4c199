using Ledger.Application.Access;
using Ledger.Domain;
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
