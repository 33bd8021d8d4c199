using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Npgsql;

namespace Ledger.Testing;

/// <summary>
/// The PostgreSQL server the tests run against: LEDGER_TEST_CONNECTION (a superuser connection) when set,
/// else a private cluster in .ledger/test-pg started once per test run and reused by later runs.
/// </summary>
public static class TestServer
{
    private static readonly Lazy<Task<string>> Admin = new(StartAsync);

    public static Task<string> AdminConnectionAsync() => Admin.Value;

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_TEST_CONNECTION");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var cluster = EmbeddedPostgres.For(Path.Combine(LedgerDatabase.Home(), "test-pg"), Console.Error.WriteLine);
        return await cluster.StartAsync();
    }

    public static string MigrationsDirectory => Path.Combine(AppContext.BaseDirectory, "migrations");
}

/// <summary>A private cluster of a test's own (the tests that stop, start or reconfigure a server), under
/// .ledger/clusters; <see cref="RemoveAsync"/> stops it and deletes its files.</summary>
public static class PrivateCluster
{
    public static EmbeddedPostgres New() =>
        EmbeddedPostgres.For(Path.Combine(LedgerDatabase.Home(), "clusters", Guid.NewGuid().ToString("N")[..12]), Console.Error.WriteLine);

    public static Task RemoveAsync(EmbeddedPostgres cluster) => cluster.DeleteAsync();
}

/// <summary>
/// The template every migrated test database is copied from: <c>ledger_template_</c> and the first hex digits of the
/// SHA-256 of the migrations (names and contents), so a changed migration makes a new one and every test process of a
/// run (each test assembly is a process of its own) shares it. Built under an advisory lock by whichever process comes
/// first, marked a template that takes no connections, and older templates are dropped.
/// </summary>
public static class MigratedTemplate
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> ByServer = new();

    public static Task<string> NameAsync(string admin) => ByServer.GetOrAdd(admin, a => new Lazy<Task<string>>(() => EnsureAsync(a))).Value;

    private static string Fingerprint()
    {
        using var sha = System.Security.Cryptography.SHA256.Create();
        foreach (var file in Directory.GetFiles(TestServer.MigrationsDirectory, "*.sql").Order(StringComparer.Ordinal))
        {
            var name = System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n");
            sha.TransformBlock(name, 0, name.Length, null, 0);
            var content = File.ReadAllBytes(file);
            sha.TransformBlock(content, 0, content.Length, null, 0);
        }
        sha.TransformFinalBlock([], 0, 0);
        return Convert.ToHexStringLower(sha.Hash!)[..16];
    }

    private static async Task<string> EnsureAsync(string admin)
    {
        var template = $"ledger_template_{Fingerprint()}";
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        async Task Run(string sql, string? parameter = null)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (parameter is not null) command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
            await command.ExecuteNonQueryAsync();
        }
        await Run("select pg_advisory_lock(7217201)");
        try
        {
            await using (var ready = new NpgsqlCommand("select 1 from pg_database where datname = $1 and datistemplate", connection))
            {
                ready.Parameters.Add(new NpgsqlParameter<string> { TypedValue = template });
                if (await ready.ExecuteScalarAsync() is not null) return template;
            }
            // Not there, or left half-built by a process that died: build it afresh.
            await Run($"drop database if exists {template} with (force)");
            await Run($"create database {template}");
            var builder = new NpgsqlConnectionStringBuilder(admin) { Database = template, Pooling = false };
            await using (var source = LedgerDatabase.CreateDataSource(builder.ConnectionString))
                await new Migrator(source, TestServer.MigrationsDirectory).ApplyAsync();
            await Run($"alter database {template} with is_template true allow_connections false");

            var stale = new List<string>();
            await using (var list = new NpgsqlCommand("select datname from pg_database where datname like 'ledger\\_template\\_%' and datname <> $1", connection))
            {
                list.Parameters.Add(new NpgsqlParameter<string> { TypedValue = template });
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync()) stale.Add(reader.GetString(0));
            }
            foreach (var old in stale)
            {
                await Run($"alter database {old} with is_template false");
                await Run($"drop database if exists {old} with (force)");
            }
            return template;
        }
        finally
        {
            await Run("select pg_advisory_unlock(7217201)");
        }
    }
}

/// <summary>A fresh, migrated database for one test class, dropped afterwards. <see cref="Owner"/> connects as
/// the table owner; <see cref="App"/> as the application role, which may only read and append.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private TestDatabase(string admin, string name, NpgsqlDataSource owner, NpgsqlDataSource app)
    {
        _admin = admin;
        Name = name;
        Owner = owner;
        App = app;
    }

    public string Name { get; }
    public NpgsqlDataSource Owner { get; }
    public NpgsqlDataSource App { get; }

    /// <summary>Creates the database on the test server, or on the server of <paramref name="admin"/> (a superuser
    /// connection) when given.</summary>
    public static async Task<TestDatabase> CreateAsync(bool migrate = true, string? admin = null)
    {
        var sharedServer = admin is null;
        admin ??= await TestServer.AdminConnectionAsync();
        var name = $"ledger_test_{Guid.NewGuid():N}";
        string ownerConnection;
        if (migrate)
        {
            // A copy of a database migrated once per server and set of migrations, far cheaper than migrating each one
            // (in the whole suite the event store's tests took 48–57 s instead of 75 s).
            var template = await MigratedTemplate.NameAsync(admin);
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"create database {name} template {template}", connection);
                await create.ExecuteNonQueryAsync();
            }
            ownerConnection = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        }
        else ownerConnection = await LedgerDatabase.EnsureDatabaseAsync(admin, name);
        if (sharedServer)
        {
            // Commits on the shared test server do not wait for their WAL to reach the disk: no test there stops the
            // server or the machine, so what they check (visibility, order, conflicts, constraints, every figure) is
            // the same, and no commit waits for an fsync. The tests that crash a server under load
            // (DatabaseRestartTests) run on a private cluster of their own, durable as production is.
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var durability = new NpgsqlCommand($"alter database {name} set synchronous_commit = off", connection);
            await durability.ExecuteNonQueryAsync();
        }
        var owner = LedgerDatabase.CreateDataSource(ownerConnection);
        var app = LedgerDatabase.CreateDataSource(LedgerDatabase.WithUser(ownerConnection, LedgerDatabase.ApplicationRole), maxPoolSize: 100);
        return new TestDatabase(admin, name, owner, app);
    }

    /// <summary>The one value <paramref name="sql"/> selects, read as the owner.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = Owner.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<long> CountEventsAsync()
    {
        await using var command = Owner.CreateCommand("select count(*) from ledger.mt_events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Owner.DisposeAsync();
        await using var admin = LedgerDatabase.CreateDataSource(_admin);
        await using var drop = admin.CreateCommand($"drop database if exists {Name} with (force)");
        await drop.ExecuteNonQueryAsync();
    }
}
