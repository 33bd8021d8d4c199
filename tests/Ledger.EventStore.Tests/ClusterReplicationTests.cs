using Ledger.EventStore.Hosting;
using Ledger.Testing;
using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

/// <summary>
/// A synchronous standby of a private cluster, as <c>ledger db standby --synchronous</c> makes it: the primary reports it
/// streaming and synchronous, reports the wait when it is gone, and the standby, once its primary is killed, is promoted
/// to accept writes with everything the primary committed.
/// </summary>
public sealed class ClusterReplicationTests : IAsyncLifetime
{
    private readonly EmbeddedPostgres primary = PrivateCluster.New();
    private EmbeddedPostgres standby = null!;

    public async Task InitializeAsync()
    {
        await primary.StartAsync();
        standby = await primary.CreateStandbyAsync(PrivateCluster.New().DataDirectory, synchronous: true);
    }

    public async Task DisposeAsync()
    {
        await PrivateCluster.RemoveAsync(standby);
        await PrivateCluster.RemoveAsync(primary);
    }

    [Fact]
    public async Task TheStandbyIsSynchronousTheWaitIsReportedWhenItIsGoneAndPromotedItHasEveryCommit()
    {
        var name = EmbeddedPostgres.StandbyName(standby.DataDirectory);
        var (names, standbys) = await primary.ReplicationAsync();
        names.ShouldBe(name);
        standbys.ShouldHaveSingleItem().ShouldBe((name, "streaming", "sync"));
        (await standby.IsStandbyAsync()).ShouldBeTrue();
        await Should.ThrowAsync<EmbeddedPostgresException>(() => primary.PromoteAsync());

        await ExecuteAsync(primary, "create table acknowledged (n int); insert into acknowledged select generate_series(1, 100)");
        await standby.StopAsync();
        (names, standbys) = await primary.ReplicationAsync();
        names.ShouldBe(name, "commits now wait for a standby that is not connected");
        standbys.ShouldBeEmpty();

        await standby.StartAsync();
        primary.KillPostmaster();
        await standby.PromoteAsync();
        (await standby.IsStandbyAsync()).ShouldBeFalse();
        (await ExecuteAsync(standby, "insert into acknowledged values (101); select count(*) from acknowledged")).ShouldBe(101L);
        // Promoted, it waits for no standby of its own: the setting was cleared when it was made a standby.
        (await standby.ReplicationAsync()).SynchronousNames.ShouldBeEmpty();
    }

    private static async Task<object?> ExecuteAsync(EmbeddedPostgres cluster, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.ConnectionString(cluster.RunningPort()!.Value)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
