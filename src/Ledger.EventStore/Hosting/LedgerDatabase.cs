using Npgsql;

namespace Ledger.EventStore.Hosting;

/// <summary>Connection strings for the two roles the ledger uses: the owner (migrations, maintenance) and the
/// application role <c>ledger_app</c>, which may only read and append events.</summary>
public sealed record DatabaseConnections(string Owner, string Application, bool Embedded);

/// <summary>Finds the database: an explicit connection string (option or LEDGER_CONNECTION), or else the
/// embedded private cluster under the ledger's home folder (.ledger/ at the repository root).</summary>
public static class LedgerDatabase
{
    public const string ConnectionVariable = "LEDGER_CONNECTION";
    public const string DatabaseName = "ledger";
    public const string ApplicationRole = "ledger_app";

    /// <summary>LEDGER_HOME, else .ledger/ in the repository that holds this program, else ~/.ledger.</summary>
    public static string Home()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_HOME");
        if (!string.IsNullOrEmpty(configured)) return Path.GetFullPath(configured);
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln"))) return Path.Combine(dir.FullName, ".ledger");
        }
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ledger");
    }

    public static EmbeddedPostgres EmbeddedCluster(Action<string>? log = null) =>
        EmbeddedPostgres.For(Path.Combine(Home(), "pg"), log);

    public static async Task<DatabaseConnections> ResolveAsync(string? connection, Action<string>? log = null, CancellationToken ct = default)
    {
        connection ??= Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(connection)) return new DatabaseConnections(connection, connection, Embedded: false);
        var admin = await EmbeddedCluster(log).StartAsync(ct);
        var owner = await EnsureDatabaseAsync(admin, DatabaseName, ct);
        return new DatabaseConnections(owner, WithUser(owner, ApplicationRole), Embedded: true);
    }

    /// <summary>Creates <paramref name="database"/> on the server if missing; returns a connection string to it.</summary>
    public static async Task<string> EnsureDatabaseAsync(string adminConnection, string database, CancellationToken ct = default)
    {
        await using (var admin = new NpgsqlConnection(adminConnection))
        {
            await admin.OpenAsync(ct);
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", admin);
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"")}\"", admin);
                try { await create.ExecuteNonQueryAsync(ct); }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase) { }
            }
        }
        return new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;
    }

    /// <summary>The application's one data source. Statements the ledger repeats (the append, stream reads)
    /// are prepared automatically, which saves the server a parse and plan per call (a statement whose best plan
    /// depends on its values, such as a totals question, asks for a plan of its own each run: TotalsReader). JIT compilation is off: the
    /// ledger's statements are short, and a count whose estimate crossed the JIT thresholds (a projection's events
    /// behind, over ten million events) spent about 175 ms compiling itself before a 0.1 ms index-only scan. Dates and
    /// instants are NodaTime's in both directions (Npgsql.NodaTime): <c>timestamptz</c> is an <see cref="NodaTime.Instant"/>,
    /// <c>date</c> a <see cref="NodaTime.LocalDate"/>.</summary>
    public static NpgsqlDataSource CreateDataSource(string connection, int? maxPoolSize = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connection);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        builder.ConnectionStringBuilder.Options = string.IsNullOrWhiteSpace(builder.ConnectionStringBuilder.Options)
            ? "-c jit=off" : builder.ConnectionStringBuilder.Options + " -c jit=off";
        if (maxPoolSize is { } size) builder.ConnectionStringBuilder.MaxPoolSize = size;
        builder.UseNodaTime();
        return builder.Build();
    }

    public static string WithUser(string connection, string user) =>
        new NpgsqlConnectionStringBuilder(connection) { Username = user }.ConnectionString;
}
