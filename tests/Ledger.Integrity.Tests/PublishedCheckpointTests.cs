using Ledger.EventStore.Hosting;
using Ledger.Integrity.Signing;
using Ledger.Testing;
using Npgsql;

namespace Ledger.Integrity.Tests;

/// <summary>
/// Checkpoints kept outside the database (<c>ledger log checkpoint --out</c>, <c>ledger verify --trusted-checkpoint</c>):
/// a ledger restored to an earlier point, or rewritten together with the checkpoints it stores, is held to what was
/// published. The restore is stood in for by a copy of the database taken between two checkpoints, which is what a
/// point-in-time restore to that moment gives.
/// </summary>
public sealed class PublishedCheckpointTests : IAsyncLifetime
{
    private LedgerWithLog _ledger = null!;

    public async Task InitializeAsync() => _ledger = await LedgerWithLog.CreateAsync();

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    /// <summary>The checkpoint as it comes back from its published file.</summary>
    private async Task<Checkpoint> PublishAsync() => PublishedCheckpoint.FromJson(PublishedCheckpoint.ToJson((await _ledger.CheckpointAsync())!));

    [Fact]
    public async Task A_ledger_restored_to_before_a_published_checkpoint_is_reported_with_the_leaves_it_lost()
    {
        await _ledger.AppendAsync(streams: 3, events: 2);
        var first = await PublishAsync();
        var restored = await CopyAsync();
        try
        {
            await _ledger.AppendAsync(streams: 3, events: 2, prefix: "later");
            var second = await PublishAsync();
            first.TreeSize.ShouldBe(6);
            second.TreeSize.ShouldBe(12);

            // The ledger itself verifies against both; nothing was recorded after the latest.
            var original = await new LedgerVerifier(_ledger.Db.App, _ledger.TrustedKeys, [first, second]).VerifyAsync();
            original.Discrepancies.ShouldBeEmpty();
            original.PublishedCheckpoints.ShouldBe(2);
            original.Notices.ShouldNotContain(n => n.Contains("after the latest published checkpoint"));

            // The copy holds what the first checkpoint covers, unchanged, and not what the second vouches for.
            await using var copy = LedgerDatabase.CreateDataSource(restored);
            var report = await new LedgerVerifier(copy, _ledger.TrustedKeys, [first, second]).VerifyAsync();
            report.Discrepancies.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
                d => d.CheckpointSize.ShouldBe(12),
                d => d.LeafIndex.ShouldBe(6),
                d => d.What.ShouldContain("leaves 6–11 are missing"));
            (await new LedgerVerifier(copy, _ledger.TrustedKeys, [first]).VerifyAsync()).Discrepancies.ShouldBeEmpty();
        }
        finally
        {
            await DropAsync(restored);
        }
    }

    [Fact]
    public async Task Events_recorded_after_the_latest_published_checkpoint_are_listed_by_position()
    {
        await _ledger.AppendAsync(streams: 2, events: 2);
        var published = await PublishAsync();
        await _ledger.AppendAsync(streams: 1, events: 2, prefix: "after");
        var positions = (await _ledger.Store.ReadStreamAsync("after-0001")).Select(e => e.Position).ToList();
        await _ledger.CheckpointAsync();

        var report = await new LedgerVerifier(_ledger.Db.App, _ledger.TrustedKeys, [published]).VerifyAsync();
        report.Ok.ShouldBeTrue(string.Join("; ", report.Discrepancies));
        report.Notices.ShouldContain(n => n.StartsWith("2 event(s) were recorded after the latest published checkpoint (size 4)")
                                          && n.EndsWith($"position(s) {positions[0]}, {positions[1]}"));
    }

    [Fact]
    public async Task An_event_rewritten_with_its_chain_and_the_stored_checkpoints_deleted_is_caught_by_the_published_one()
    {
        await _ledger.AppendAsync(streams: 2, events: 3);
        var published = await PublishAsync();
        var position = (await _ledger.Store.ReadStreamAsync("case-0002", 3, 3)).Single().Position;
        // The intruder rewrites the stream's last event with its hash and removes every checkpoint the database held.
        await _ledger.TamperAsync($$"""
            update ledger.mt_events set data = jsonb_set(data, '{fine_fen}', '1') where seq_id = {{position}};
            update ledger.mt_events set hash = ledger.event_hash(previous_hash, stream_id, version, id, type, recorded_at, data, headers) where seq_id = {{position}};
            delete from ledger.merkle_checkpoints;
            """);

        var report = await new LedgerVerifier(_ledger.Db.App, _ledger.TrustedKeys, [published]).VerifyAsync();
        report.Checkpoints.ShouldBe(0);
        report.Discrepancies.ShouldContain(d => d.CheckpointSize == 6 && d.What.Contains("(a published checkpoint) differs from the root recomputed"));
    }

    [Fact]
    public async Task A_published_checkpoint_of_an_untrusted_key_or_a_broken_file_is_refused_saying_why()
    {
        await _ledger.AppendAsync(streams: 1, events: 2);
        var published = await PublishAsync();
        var stranger = await LedgerWithLog.CreateAsync();
        try
        {
            var report = await new LedgerVerifier(_ledger.Db.App, stranger.TrustedKeys, [published]).VerifyAsync();
            report.Discrepancies.ShouldContain(d => d.CheckpointSize == 2 && d.What.StartsWith("the published checkpoint: signed by key") && d.What.Contains("not a trusted key"));
        }
        finally
        {
            await stranger.DisposeAsync();
        }

        Should.Throw<FormatException>(() => PublishedCheckpoint.FromJson("[]")).Message.ShouldContain("JSON object with note and signature");
        Should.Throw<FormatException>(() => PublishedCheckpoint.FromJson("""{"note": "x"}""")).Message.ShouldContain("'signature'");
        Should.Throw<FormatException>(() => PublishedCheckpoint.FromJson("""{"note": "x", "signature": "%%"}""")).Message.ShouldContain("not base64");
        Should.Throw<FormatException>(() => PublishedCheckpoint.FromJson("""{"note": "x", "signature": "AAAA"}""")).Message.ShouldContain("checkpoint note must be");

        // A file whose note was edited reads (it is a well-formed note), and its signature no longer verifies.
        var edited = PublishedCheckpoint.FromJson(PublishedCheckpoint.ToJson(published).Replace("size: 2", "size: 1"));
        edited.TreeSize.ShouldBe(1);
        var found = (await new LedgerVerifier(_ledger.Db.App, _ledger.TrustedKeys, [edited]).VerifyAsync()).Discrepancies;
        found.ShouldContain(d => d.CheckpointSize == 1 && d.What == $"the published checkpoint: signature does not verify with key {published.KeyId}");
    }

    /// <summary>A copy of the ledger's database as it stands (its connections closed first), connected as the application role.</summary>
    private async Task<string> CopyAsync()
    {
        var admin = await TestServer.AdminConnectionAsync();
        var name = $"ledger_restored_{Guid.NewGuid():N}";
        _ledger.Db.App.Clear();
        _ledger.Db.Owner.Clear();
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var copy = new NpgsqlCommand($"create database {name} template {_ledger.Db.Name}", connection);
            await copy.ExecuteNonQueryAsync();
        }
        return LedgerDatabase.WithUser(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, LedgerDatabase.ApplicationRole);
    }

    private static async Task DropAsync(string connection)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(await TestServer.AdminConnectionAsync());
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {new NpgsqlConnectionStringBuilder(connection).Database} with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
