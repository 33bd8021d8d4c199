using System.Security.Cryptography;
using NodaTime;
using Npgsql;

namespace Ledger.Application.Access;

/// <summary>A session just opened: its secret (for the cookie, never stored), its user and when it ends.</summary>
public sealed record OpenedSession(string Secret, ApiUser User, Instant ExpiresAt);

/// <summary>
/// Sessions of the web pages (migrations/0014): a user signs in with their token and gets a random session secret, of
/// which only the SHA-256 is kept. Every request looks the session up together with its user, so signing out, expiry
/// and revoking the user end it on the next request.
/// </summary>
public sealed class WebSessions(NpgsqlDataSource dataSource, ApiUsers users)
{
    private const string SecretPrefix = "lds_";

    private static readonly string AuthenticateSql =
        $"select {string.Join(", ", ApiUsers.Columns.Split(", ").Select(c => "u." + c))} from ledger.web_sessions s " +
        "join ledger.api_users u on u.user_id = s.user_id " +
        "where s.session_hash = $1 and s.signed_out_at is null and s.expires_at > now() and u.revoked_at is null";

    /// <summary>The longest a session may last: a working day and a half. Officials sign in again the next day.</summary>
    public static readonly Duration MaxLifetime = Duration.FromHours(12);

    /// <summary>Opens a session for the active user holding <paramref name="token"/>, ending after
    /// <paramref name="lifetime"/>; null when the token is unknown, malformed or revoked.</summary>
    public async Task<OpenedSession?> SignInAsync(string token, Duration lifetime, CancellationToken ct = default)
    {
        if (lifetime <= Duration.Zero || lifetime > MaxLifetime)
            throw new ArgumentOutOfRangeException(nameof(lifetime), $"a session lasts more than zero and at most {MaxLifetime.TotalHours} hours");
        var user = await users.AuthenticateAsync(token.Trim(), ct);
        if (user is null) return null;
        var secret = SecretPrefix + ApiUsers.Base64Url(RandomNumberGenerator.GetBytes(32));
        // The database's clock decides expiry, as it decides every recorded instant.
        await using var command = dataSource.CreateCommand(
            "insert into ledger.web_sessions (session_hash, user_id, expires_at) values ($1, $2, now() + $3) returning expires_at");
        command.Parameters.Add(new() { Value = ApiUsers.HashOf(secret) });
        command.Parameters.Add(new() { Value = user.UserId });
        command.Parameters.Add(new() { Value = lifetime.ToTimeSpan() });
        var expiresAt = (Instant)(await command.ExecuteScalarAsync(ct))!;
        return new OpenedSession(secret, user, expiresAt);
    }

    /// <summary>The user of the open session <paramref name="secret"/> names, or null (unknown, ended or revoked).</summary>
    public async Task<ApiUser?> AuthenticateAsync(string secret, CancellationToken ct = default)
    {
        if (!IsWellFormed(secret)) return null;
        await using var command = dataSource.CreateCommand(AuthenticateSql);
        command.Parameters.Add(new() { Value = ApiUsers.HashOf(secret) });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ApiUsers.Read(reader) : null;
    }

    /// <summary>Ends the session <paramref name="secret"/> names; true when it was open.</summary>
    public async Task<bool> SignOutAsync(string secret, CancellationToken ct = default)
    {
        if (!IsWellFormed(secret)) return false;
        await using var command = dataSource.CreateCommand(
            "update ledger.web_sessions set signed_out_at = now() where session_hash = $1 and signed_out_at is null");
        command.Parameters.Add(new() { Value = ApiUsers.HashOf(secret) });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Only what this class issues is looked up: anything else is no session, without a query.</summary>
    private static bool IsWellFormed(string secret) => secret.StartsWith(SecretPrefix, StringComparison.Ordinal) && secret.Length <= 100;
}
