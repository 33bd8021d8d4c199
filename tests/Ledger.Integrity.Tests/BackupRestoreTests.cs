using Ledger.EventStore.Hosting;
using Ledger.Integrity.Signing;
using Ledger.Testing;
using Npgsql;

namespace Ledger.Integrity.Tests;

/// <summary>
/// The backup drill: back up, write more, restore to an instant in the middle, verify. The restored ledger holds,
/// unchanged, everything the checkpoints published before that instant cover, and <c>ledger verify</c> against the
/// checkpoints published outside the database names what the restore lost. A private cluster of the test's own, durable
/// and archiving, is backed up with PostgreSQL's own tools and restored into a second one.
/// </summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private readonly EmbeddedPostgres _cluster = PrivateCluster.New();
    private EmbeddedPostgres? _restored;
    private string _admin = null!;
    private string BackupDirectory => _cluster.DataDirectory + "-backup";

    public async Task InitializeAsync() => _admin = await _cluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_restored is not null) await PrivateCluster.RemoveAsync(_restored);
        await PrivateCluster.RemoveAsync(_cluster);
        if (Directory.Exists(BackupDirectory)) Directory.Delete(BackupDirectory, recursive: true);
    }

    private static async Task<Checkpoint> PublishAsync(LedgerWithLog ledger) =>
        PublishedCheckpoint.FromJson(PublishedCheckpoint.ToJson((await ledger.CheckpointAsync())!));

    private async Task<T> AsSuperuserAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_backup_restored_to_an_instant_holds_what_was_published_before_it_and_verify_names_what_it_lost()
    {
        var ledger = await LedgerWithLog.CreateAsync(admin: _admin);
        try
        {
            await ledger.AppendAsync(streams: 2, events: 2, prefix: "before");
            var first = await PublishAsync(ledger);
            var backup = await _cluster.BackupAsync(BackupDirectory);
            // The first backup turned archiving on, which restarted the server: the pools' connections are gone.
            ledger.Db.App.Clear();
            ledger.Db.Owner.Clear();
            NpgsqlConnection.ClearAllPools();

            await ledger.AppendAsync(streams: 2, events: 2, prefix: "middle");
            var second = await PublishAsync(ledger);
            var until = await AsSuperuserAsync<DateTime>("select clock_timestamp()");
            await ledger.AppendAsync(streams: 2, events: 2, prefix: "after");
            var third = await PublishAsync(ledger);
            (first.TreeSize, second.TreeSize, third.TreeSize).ShouldBe((4, 8, 12));

            // Everything written so far reaches the archive: the segment in use is closed and copied.
            var segment = await AsSuperuserAsync<string>("select pg_walfile_name(pg_switch_wal())");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (string.CompareOrdinal(await AsSuperuserAsync<string?>("select last_archived_wal from pg_stat_archiver") ?? "", segment) < 0)
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline, $"segment {segment} was not archived within a minute");
                await Task.Delay(100);
            }

            _restored = await EmbeddedPostgres.RestoreAsync(backup, _cluster.DataDirectory + "-restored", Instant.FromDateTimeUtc(until));
            var restoredDatabase = _restored.ConnectionString(_restored.RunningPort()!.Value, ledger.Db.Name);
            await using var restored = LedgerDatabase.CreateDataSource(LedgerDatabase.WithUser(restoredDatabase, LedgerDatabase.ApplicationRole));

            var report = await new LedgerVerifier(restored, ledger.TrustedKeys, [first, second, third]).VerifyAsync();
            report.Events.ShouldBe(8, "the restore holds what was committed before the instant, and nothing after it");
            report.Discrepancies.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
                d => d.CheckpointSize.ShouldBe(12),
                d => d.What.ShouldContain("leaves 8–11 are missing (lost by a restore, or removed)"));
            (await new LedgerVerifier(restored, ledger.TrustedKeys, [first, second]).VerifyAsync()).Ok.ShouldBeTrue();

            // The restored cluster is a ledger of its own: it takes new records, and archives nothing into the source's archive.
            await using var store = LedgerWithLog.StoreOn(restored);
            await store.AppendAsync(new EventStore.AppendRequest("after-restore", "case", EventStore.ExpectedVersion.NoStream,
                [new EventStore.NewEvent(Guid.NewGuid(), new LedgerWithLog.FineRecorded(1, 100))], new EventStore.EventMetadata("officer-001", Guid.NewGuid()).ToJson()));
        }
        finally
        {
            await ledger.DisposeAsync();
        }
    }
}
