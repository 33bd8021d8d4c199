using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Ledger.EventStore.Migrations;

/// <summary>A migration file and whether (and with which content hash) it was applied.</summary>
public sealed record MigrationStatus(string Name, string FileSha256, string? AppliedSha256, NodaTime.Instant? AppliedAt)
{
    public bool IsApplied => AppliedSha256 is not null;
    public bool WasEdited => AppliedSha256 is not null && AppliedSha256 != FileSha256;
}

/// <summary>Raised when migrations cannot be applied safely; nothing was applied.</summary>
public sealed class MigrationException(string message) : Exception(message);

/// <summary>
/// Applies migrations/NNNN_name.sql in order, each in its own transaction, recording name and SHA-256.
/// Applied migrations are immutable: an edited one is refused, naming the file (add a new migration instead).
/// </summary>
public sealed partial class Migrator(NpgsqlDataSource ownerDataSource, string migrationsDirectory)
{
    // Any constant; it only has to be the same for every migrator of this database.
    private const long AdvisoryLockKey = 0x4C_45_44_47_45_52; // "LEDGER"

    [GeneratedRegex(@"^\d{4}_[a-z0-9_]+\.sql$")]
    private static partial Regex FileName();

    public IReadOnlyList<(string Name, string Path, string Sha256)> Files()
    {
        if (!Directory.Exists(migrationsDirectory))
            throw new MigrationException($"migrations directory '{migrationsDirectory}' does not exist");
        var files = new List<(string, string, string)>();
        foreach (var path in Directory.GetFiles(migrationsDirectory, "*.sql").Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(path);
            if (!FileName().IsMatch(name))
                throw new MigrationException($"migration file '{name}' must be named NNNN_lower_case_name.sql");
            files.Add((name, path, Sha256(ReadNormalized(path))));
        }
        var duplicate = files.GroupBy(f => f.Item1[..4]).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new MigrationException($"two migrations share the number {duplicate.Key}: {string.Join(", ", duplicate.Select(f => f.Item1))}");
        return files;
    }

    // Line endings are normalised so that a checkout with CRLF does not count as an edit.
    private static string ReadNormalized(string path) => File.ReadAllText(path, Encoding.UTF8).Replace("\r\n", "\n");

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public async Task<IReadOnlyList<MigrationStatus>> StatusAsync(CancellationToken ct = default)
    {
        var files = Files();
        await using var connection = await ownerDataSource.OpenConnectionAsync(ct);
        var applied = await ReadAppliedAsync(connection, ct);
        var statuses = files
            .Select(f => applied.TryGetValue(f.Name, out var a)
                ? new MigrationStatus(f.Name, f.Sha256, a.Sha256, a.AppliedAt)
                : new MigrationStatus(f.Name, f.Sha256, null, null))
            .ToList();
        foreach (var (name, a) in applied.Where(a => files.All(f => f.Name != a.Key)))
            statuses.Add(new MigrationStatus(name, "(file missing)", a.Sha256, a.AppliedAt));
        return statuses;
    }

    /// <summary>Applies what is pending and returns the names applied.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(Action<string>? progress = null, CancellationToken ct = default)
    {
        var files = Files();
        await using var connection = await ownerDataSource.OpenConnectionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand($"select pg_advisory_lock({AdvisoryLockKey})", connection))
            await lockCommand.ExecuteNonQueryAsync(ct);
        try
        {
            var applied = await ReadAppliedAsync(connection, ct);
            foreach (var (name, record) in applied)
            {
                var file = files.FirstOrDefault(f => f.Name == name);
                if (file.Name is null)
                    throw new MigrationException($"migration {name} was applied but its file is missing from {migrationsDirectory}; restore it");
                if (file.Sha256 != record.Sha256)
                    throw new MigrationException(
                        $"migration {name} was edited after it was applied (applied sha256 {record.Sha256}, file now {file.Sha256}); " +
                        "applied migrations are immutable: restore the file and add a new migration instead. Nothing was applied.");
            }
            var done = new List<string>();
            foreach (var file in files.Where(f => !applied.ContainsKey(f.Name)))
            {
                progress?.Invoke(file.Name);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await using (var apply = new NpgsqlCommand(ReadNormalized(file.Path), connection, transaction))
                    await apply.ExecuteNonQueryAsync(ct);
                await using (var record = new NpgsqlCommand(
                    "insert into public.ledger_schema_migrations (name, sha256) values ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file.Name });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file.Sha256 });
                    await record.ExecuteNonQueryAsync(ct);
                }
                await transaction.CommitAsync(ct);
                done.Add(file.Name);
            }
            return done;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"select pg_advisory_unlock({AdvisoryLockKey})", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task<Dictionary<string, (string Sha256, NodaTime.Instant AppliedAt)>> ReadAppliedAsync(
        NpgsqlConnection connection, CancellationToken ct)
    {
        // Created only when missing: CREATE … IF NOT EXISTS still needs the right to create in the schema, and the
        // application role (which may read this table, migration 0018) has none, so it checks an up-to-date database too.
        await using (var exists = new NpgsqlCommand("select to_regclass('public.ledger_schema_migrations') is not null", connection))
            if (await exists.ExecuteScalarAsync(ct) is not true)
            {
                await using var create = new NpgsqlCommand(
                    "create table if not exists public.ledger_schema_migrations (" +
                    "name text primary key, sha256 text not null, applied_at timestamptz not null default clock_timestamp())", connection);
                await create.ExecuteNonQueryAsync(ct);
            }
        var applied = new Dictionary<string, (string, NodaTime.Instant)>();
        await using var select = new NpgsqlCommand("select name, sha256, applied_at from public.ledger_schema_migrations", connection);
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            applied[reader.GetString(0)] = (reader.GetString(1), reader.GetFieldValue<NodaTime.Instant>(2));
        return applied;
    }
}
