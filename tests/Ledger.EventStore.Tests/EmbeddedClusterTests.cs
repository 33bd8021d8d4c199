using System.Net;
using System.Net.Sockets;
using Ledger.EventStore.Hosting;
using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

/// <summary>
/// The private cluster a newcomer and every test run get: every role signs in with a generated password kept in a file
/// only its owner reads, and the cluster keeps its port across a stop and a start (so a running server finds it again).
/// One cluster of its own for the class (each test leaves it running), removed afterwards.
/// </summary>
public sealed class EmbeddedClusterTests(EmbeddedClusterTests.Cluster fixture) : IClassFixture<EmbeddedClusterTests.Cluster>
{
    public sealed class Cluster : IAsyncLifetime
    {
        public EmbeddedPostgres Server { get; } = PrivateCluster.New();

        public Task InitializeAsync() => Server.StartAsync();

        public Task DisposeAsync() => PrivateCluster.RemoveAsync(Server);
    }

    private readonly EmbeddedPostgres cluster = fixture.Server;

    [Fact]
    public async Task EveryRoleSignsInWithItsPasswordFromAFileOnlyItsOwnerReads()
    {
        var connection = await cluster.StartAsync();
        (await CurrentUserAsync(connection)).ShouldBe("ledger");
        (await CurrentUserAsync(LedgerDatabase.WithUser(connection, "ledger_app"))).ShouldBe("ledger_app");

        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(cluster.PasswordFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        connection.ShouldNotContain(File.ReadAllLines(cluster.PasswordFile)[0].Split(':')[4]);
        var withoutPassword = new NpgsqlConnectionStringBuilder(connection) { Passfile = null }.ConnectionString;
        await Should.ThrowAsync<NpgsqlException>(() => CurrentUserAsync(withoutPassword));
        var wrongPassword = new NpgsqlConnectionStringBuilder(connection) { Passfile = null, Password = "guess" }.ConnectionString;
        (await Should.ThrowAsync<PostgresException>(() => CurrentUserAsync(wrongPassword))).SqlState.ShouldBe(PostgresErrorCodes.InvalidPassword);
        File.ReadAllLines(Path.Combine(cluster.DataDirectory, "pg_hba.conf"))
            .Where(line => !line.TrimStart().StartsWith('#') && line.Trim().Length > 0)
            .ShouldAllBe(line => line.TrimEnd().EndsWith("scram-sha-256"));
    }

    [Fact]
    public async Task AStoppedAndStartedClusterAnswersOnTheSamePort()
    {
        var port = cluster.RunningPort();
        port.ShouldNotBeNull();
        (await cluster.StopAsync()).ShouldBeTrue();
        cluster.RunningPort().ShouldBeNull();
        var connection = await cluster.StartAsync();
        cluster.RunningPort().ShouldBe(port);
        new NpgsqlConnectionStringBuilder(connection).Port.ShouldBe(port!.Value);
    }

    [Fact]
    public async Task WhenItsPortIsTakenTheClusterSaysSoInsteadOfMoving()
    {
        var port = cluster.RunningPort()!.Value;
        await cluster.StopAsync();
        using (var squatter = new TcpListener(IPAddress.Loopback, port))
        {
            squatter.Start();
            (await Should.ThrowAsync<EmbeddedPostgresException>(() => cluster.StartAsync())).Message
                .ShouldContain($"port {port} of the cluster in {cluster.DataDirectory} is taken by another process");
        }
        await cluster.StartAsync();
        cluster.RunningPort().ShouldBe(port);
    }

    [Fact]
    public async Task AClusterThatTrustedLocalConnectionsIsMadeToAskForPasswords()
    {
        // As clusters were created before: trust on loopback and no password file.
        var hba = Path.Combine(cluster.DataDirectory, "pg_hba.conf");
        await File.WriteAllTextAsync(hba, "host all all 127.0.0.1/32 trust\n");
        File.Delete(cluster.PasswordFile);
        await cluster.StopAsync();

        var connection = await cluster.StartAsync();

        (await CurrentUserAsync(connection)).ShouldBe("ledger");
        (await CurrentUserAsync(LedgerDatabase.WithUser(connection, "ledger_app"))).ShouldBe("ledger_app");
        (await File.ReadAllTextAsync(hba)).Trim().ShouldBe("host all all 127.0.0.1/32 scram-sha-256");
        var withoutPassword = new NpgsqlConnectionStringBuilder(connection) { Passfile = null }.ConnectionString;
        await Should.ThrowAsync<NpgsqlException>(() => CurrentUserAsync(withoutPassword));
    }

    private static async Task<string> CurrentUserAsync(string connection)
    {
        // Not pooled: the tests restart the server under the pool.
        await using var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { Pooling = false }.ConnectionString);
        await session.OpenAsync();
        await using var command = new NpgsqlCommand("select current_user", session);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
