using Ledger.Domain;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Application.Access;

/// <summary>One recorded read of a case.</summary>
public sealed record CaseRead(long ReadId, Instant ReadAt, Guid UserId, string UserName, string Role, string CaseId, string Region, string Endpoint, string? Purpose);

/// <summary>Which reads an auditor asks about; all optional but the scope.</summary>
public sealed record CaseReadQuery(RegionCode? Scope, string? CaseId = null, string? UserName = null, int Limit = 100, long? Before = null);

/// <summary>
/// The record of who read which case, when, through which endpoint and for what stated purpose. Written in the
/// same request as the read, before the response leaves; never changed (the table refuses it).
/// </summary>
public sealed class CaseReadLog(NpgsqlDataSource dataSource)
{
    /// <summary>The longest purpose kept; a longer one is refused, naming the parameter.</summary>
    public const int MaxPurposeLength = 500;

    /// <summary>Checks a stated purpose: trimmed, at most 500 characters, no control characters; blank means none.</summary>
    public static string? ValidatePurpose(string? purpose)
    {
        if (string.IsNullOrWhiteSpace(purpose)) return null;
        purpose = purpose.Trim();
        // Format characters (U+202E right-to-left override, zero-width spaces) would make the audit log read otherwise
        // than it is stored.
        if (purpose.Length > MaxPurposeLength || purpose.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
            throw new DomainRuleViolation("purpose", $"a stated purpose is at most {MaxPurposeLength} characters without control or invisible format characters (such as U+202E)");
        return purpose;
    }

    /// <summary>Records that <paramref name="user"/> read each of <paramref name="cases"/> (id and region).</summary>
    public async Task RecordAsync(ApiUser user, IReadOnlyCollection<(string CaseId, string Region)> cases, string endpoint, string? purpose, CancellationToken ct = default)
    {
        if (cases.Count == 0) return;
        await using var command = dataSource.CreateCommand(
            "insert into ledger.case_reads (user_id, user_name, role, case_id, region, endpoint, purpose) " +
            "select $1, $2, $3, c, r, $6, $7 from unnest($4::text[], $5::text[]) as t (c, r)");
        command.Parameters.Add(new() { Value = user.UserId });
        command.Parameters.Add(new() { Value = user.Name });
        command.Parameters.Add(new() { Value = SnakeCase.Of(user.Role) });
        command.Parameters.Add(new() { Value = cases.Select(c => c.CaseId).ToArray() });
        command.Parameters.Add(new() { Value = cases.Select(c => c.Region).ToArray() });
        command.Parameters.Add(new() { Value = endpoint });
        command.Parameters.Add(new() { Value = (object?)purpose ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The reads matching <paramref name="query"/>, newest first; page on with <see cref="CaseReadQuery.Before"/>.</summary>
    public async Task<IReadOnlyList<CaseRead>> QueryAsync(CaseReadQuery query, CancellationToken ct = default)
    {
        if (query.Limit is < 1 or > 1_000) throw new DomainRuleViolation("limit", $"is between 1 and 1000 (got {query.Limit})");
        await using var command = dataSource.CreateCommand();
        var where = new List<string>();
        string P(object value, NpgsqlDbType type)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + command.Parameters.Count;
        }
        if (query.Scope is { } scope) where.Add($"region like {P(scope.Prefix + "%", NpgsqlDbType.Text)}");
        if (query.CaseId is { } caseId) where.Add($"case_id = {P(caseId, NpgsqlDbType.Text)}");
        if (query.UserName is { } userName) where.Add($"user_name = {P(userName, NpgsqlDbType.Text)}");
        if (query.Before is { } before) where.Add($"read_id < {P(before, NpgsqlDbType.Bigint)}");
        command.CommandText = "select read_id, read_at, user_id, user_name, role, case_id, region, endpoint, purpose from ledger.case_reads" +
            (where.Count == 0 ? "" : " where " + string.Join(" and ", where)) + $" order by read_id desc limit {P(query.Limit, NpgsqlDbType.Integer)}";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var reads = new List<CaseRead>();
        while (await reader.ReadAsync(ct))
            reads.Add(new CaseRead(reader.GetInt64(0), reader.GetFieldValue<Instant>(1), reader.GetGuid(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        return reads;
    }
}
