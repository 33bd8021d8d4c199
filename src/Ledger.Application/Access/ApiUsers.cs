using System.Security.Cryptography;
using Ledger.Domain;
using NodaTime;
using Npgsql;

namespace Ledger.Application.Access;

/// <summary>What a user of the API does. Each role's reach is written once, in the API's endpoint table.</summary>
public enum Role
{
    /// <summary>Case handlers (办案人员): record actions on cases of their region and below.</summary>
    Recorder,
    /// <summary>法制审核人员: record the legal review of a case.</summary>
    Reviewer,
    /// <summary>The bureau's head or their delegate (负责人): approve filings, decisions, transfers and extensions.</summary>
    Approver,
    /// <summary>Auditors: read everything of their region — histories, versions, dossiers, proofs, who read what.</summary>
    Auditor,
    /// <summary>Officials: read totals and cases of their region.</summary>
    Official,
    /// <summary>Publishers: typical cases and redacted views only.</summary>
    Publisher,
}

/// <summary>A user of the API. <see cref="Region"/> null means a national scope.</summary>
public sealed record ApiUser(Guid UserId, string Name, Role Role, RegionCode? Region, string? CertificateNumber, Instant CreatedAt, Instant? RevokedAt)
{
    /// <summary>How the domain names this person in approvals and reviews: the certificate number when they hold one (so
    /// the rule "the approver is not a handler" compares like with like), else the name.</summary>
    public string Identity => CertificateNumber ?? Name;

    /// <summary>True when <paramref name="region"/> lies within this user's scope.</summary>
    public bool Covers(RegionCode region) => Region is null || region.IsWithin(Region);

    /// <summary>The scope as people say it: "140824" or "national".</summary>
    public string ScopeLabel => Region?.Value ?? "national";
}

/// <summary>A newly issued user and their token, shown once and never stored.</summary>
public sealed record IssuedUser(ApiUser User, string Token);

/// <summary>
/// The API's users: issued with a random bearer token of which only the SHA-256 is kept, looked up by that hash,
/// revoked (never deleted: case histories name them).
/// </summary>
public sealed class ApiUsers(NpgsqlDataSource dataSource, IClock clock)
{
    private const string TokenPrefix = "ldg_";

    /// <summary>Role names as typed: "recorder", …</summary>
    public static Role ParseRole(string? text)
    {
        foreach (var role in Enum.GetValues<Role>())
            if (SnakeCase.Of(role) == text?.Trim()) return role;
        throw new DomainRuleViolation("role", $"'{text}' is not a role; the roles are {string.Join(", ", Enum.GetValues<Role>().Select(r => SnakeCase.Of(r)))}");
    }

    /// <summary>A scope as typed: a GB/T 2260 code, or "national" for the whole country.</summary>
    public static RegionCode? ParseScope(string? text) =>
        text?.Trim() is "national" ? null
        : string.IsNullOrWhiteSpace(text) ? throw new DomainRuleViolation("region", "every user has a scope: a GB/T 2260 code such as 140824, or 'national'")
        : RegionCode.Parse(text.Trim(), "region");

    /// <summary>Issues a user and their token. A name already held by an active user is refused.</summary>
    public async Task<IssuedUser> AddAsync(string name, Role role, RegionCode? region, string? certificateNumber, string createdBy, CancellationToken ct = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length is < 1 or > 100 || name.Any(char.IsControl))
            throw new DomainRuleViolation("name", "a user's name is 1 to 100 characters without control characters");
        certificateNumber = string.IsNullOrWhiteSpace(certificateNumber) ? null : certificateNumber.Trim();
        if (certificateNumber is { Length: > 64 } || certificateNumber?.Any(char.IsControl) == true)
            throw new DomainRuleViolation("certificate", "a certificate number is 1 to 64 characters without control characters");
        if (role != Role.Reviewer && role != Role.Approver && role != Role.Recorder && certificateNumber is not null)
            throw new DomainRuleViolation("certificate", $"only recorders, reviewers and approvers act on cases under a certificate number, not a {SnakeCase.Of(role)}");

        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var user = new ApiUser(Guid.CreateVersion7(), name, role, region, certificateNumber, clock.GetCurrentInstant(), null);
        await using var command = dataSource.CreateCommand(
            "insert into ledger.api_users (user_id, name, role, region, certificate_number, token_hash, created_by) " +
            "values ($1, $2, $3, $4, $5, $6, $7) returning created_at");
        command.Parameters.Add(new() { Value = user.UserId });
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = SnakeCase.Of(role) });
        command.Parameters.Add(new() { Value = (object?)region?.Value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)certificateNumber ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = HashOf(token) });
        command.Parameters.Add(new() { Value = createdBy });
        try
        {
            var createdAt = (Instant)(await command.ExecuteScalarAsync(ct))!;
            return new IssuedUser(user with { CreatedAt = createdAt }, token);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DomainRuleViolation("name", $"an active user is already called '{name}'; revoke them first or choose another name");
        }
    }

    /// <summary>Revokes the active user called <paramref name="name"/>; their token stops working at once.</summary>
    public async Task<ApiUser> RevokeAsync(string name, string revokedBy, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "update ledger.api_users set revoked_at = now(), revoked_by = $2 where name = $1 and revoked_at is null returning " + Columns);
        command.Parameters.Add(new() { Value = name.Trim() });
        command.Parameters.Add(new() { Value = revokedBy });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader)
            : throw new DomainRuleViolation("name", $"no active user is called '{name}'");
    }

    /// <summary>Every user, active and revoked, oldest first.</summary>
    public async Task<IReadOnlyList<ApiUser>> ListAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from ledger.api_users order by created_at, user_id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var users = new List<ApiUser>();
        while (await reader.ReadAsync(ct)) users.Add(Read(reader));
        return users;
    }

    /// <summary>The active user holding <paramref name="token"/>, or null (unknown, malformed or revoked).</summary>
    public async Task<ApiUser?> AuthenticateAsync(string token, CancellationToken ct = default)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 100) return null;
        await using var command = dataSource.CreateCommand($"select {Columns} from ledger.api_users where token_hash = $1 and revoked_at is null");
        command.Parameters.Add(new() { Value = HashOf(token) });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    internal const string Columns = "user_id, name, role, region, certificate_number, created_at, revoked_at";

    /// <summary>Reads a user selected as <see cref="Columns"/>.</summary>
    internal static ApiUser Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), ParseRole(reader.GetString(2)),
        reader.IsDBNull(3) ? null : RegionCode.Parse(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetFieldValue<Instant>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<Instant>(6));

    internal static byte[] HashOf(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
