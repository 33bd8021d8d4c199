using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Npgsql;

namespace Ledger.EventStore.Tests;

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

    public static async Task RemoveAsync(EmbeddedPostgres cluster)
    {
        await cluster.StopAsync(immediate: true);
        foreach (var path in new[] { cluster.PasswordFile, cluster.DataDirectory + ".lock" }) File.Delete(path);
        Directory.Delete(cluster.DataDirectory, recursive: true);
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
        admin ??= await TestServer.AdminConnectionAsync();
        var name = $"ledger_test_{Guid.NewGuid():N}";
        var ownerConnection = await LedgerDatabase.EnsureDatabaseAsync(admin, name);
        var owner = LedgerDatabase.CreateDataSource(ownerConnection);
        if (migrate) await new Migrator(owner, TestServer.MigrationsDirectory).ApplyAsync();
        var app = LedgerDatabase.CreateDataSource(LedgerDatabase.WithUser(ownerConnection, LedgerDatabase.ApplicationRole), maxPoolSize: 100);
        return new TestDatabase(admin, name, owner, app);
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
