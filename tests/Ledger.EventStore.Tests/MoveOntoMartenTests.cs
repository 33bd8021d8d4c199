using Ledger.EventStore.Migrations;
using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

/// <summary>
/// A database that recorded events before the move onto Marten (migrations up to 0009, the ledger's own append
/// functions) keeps every event as it was, every chain intact, and goes on appending through Marten.
/// </summary>
public sealed class MoveOntoMartenTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly string _before = Directory.CreateTempSubdirectory("ledger-migrations-before-marten-").FullName;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(migrate: false);
        foreach (var file in Directory.GetFiles(TestServer.MigrationsDirectory).Where(f => string.CompareOrdinal(Path.GetFileName(f), "0010") < 0))
            File.Copy(file, Path.Combine(_before, Path.GetFileName(file)));
        await new Migrator(_db.Owner, _before).ApplyAsync();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_before, recursive: true);
    }

    private const string Actor = "{\"actor\": \"officer-001\"}";

    [Fact]
    public async Task EventsRecordedBeforeTheMoveKeepTheirRowsAndChainsAndTheirStreamsGoOnThroughMarten()
    {
        // The old write paths, as the application role called them.
        await ExecuteAsAppAsync("select * from ledger.append_first_event('case-old-1', 'case', gen_random_uuid(), 'thing_happened.v1', '{\"n\": 1}', $1::jsonb)", Actor);
        await ExecuteAsAppAsync("select * from ledger.append_events('case-old-1', 'case', 1, array[gen_random_uuid(), gen_random_uuid()], " +
                                "array['thing_happened.v1', 'case_filed.v1'], array['{\"n\": 2}'::jsonb, '{\"region\": \"140824\"}'::jsonb], $1::jsonb)", Actor);
        await ExecuteAsAppAsync("select * from ledger.append_events('case-old-2', 'case', 0, array[gen_random_uuid()], array['thing_happened.v1'], " +
                                "array['{\"n\": 1}'::jsonb], '{\"actor\": \"importer\", \"source\": \"old-system.csv\"}'::jsonb, '2020-06-03T01:30:00Z')", null);
        var before = await RowsAsync("select position, event_id, stream_id, version, event_type, data::text, metadata::text, recorded_at, " +
                                     "transaction_id::text, previous_hash, hash from ledger.events order by position");

        await new Migrator(_db.Owner, TestServer.MigrationsDirectory).ApplyAsync();

        var after = await RowsAsync("select seq_id, id, stream_id, version, type, data::text, headers::text, recorded_at, " +
                                    "transaction_id::text, previous_hash, hash from ledger.mt_events order by seq_id");
        after.ShouldBe(before);
        await using var store = new LedgerEventStore(_db.App, TestEvents.Types, TestEvents.Json);
        foreach (var stream in new[] { "case-old-1", "case-old-2" })
            EventHashChain.Verify(await store.GetStreamAsync(stream), await store.ReadStreamAsync(stream)).ShouldBeEmpty();
        (await store.GetStreamAsync("case-old-1"))!.Version.ShouldBe(3);

        var next = await store.AppendAsync(new AppendRequest("case-old-1", "case", ExpectedVersion.Exactly(3),
            [new NewEvent(Guid.NewGuid(), new TestEvents.ThingHappened(4))], new EventMetadata("officer-002", Guid.NewGuid()).ToJson()));

        next.StreamVersion.ShouldBe(4);
        next.FirstPosition.ShouldBe(before.Count + 1);
        var events = await store.ReadStreamAsync("case-old-1");
        events[3].PreviousHash.ShouldBe(events[2].Hash);
        EventHashChain.Verify(await store.GetStreamAsync("case-old-1"), events).ShouldBeEmpty();
        // The old append functions are gone: nothing appends past Marten.
        (await Should.ThrowAsync<PostgresException>(() => ExecuteAsAppAsync(
            "select * from ledger.append_events('case-old-1', 'case', 4, array[gen_random_uuid()], array['thing_happened.v1'], array['{}'::jsonb], $1::jsonb)", Actor)))
            .SqlState.ShouldBe(PostgresErrorCodes.UndefinedFunction);
    }

    private async Task ExecuteAsAppAsync(string sql, string? metadata)
    {
        await using var command = _db.App.CreateCommand(sql);
        if (metadata is not null) command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var command = _db.Owner.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i) switch
            {
                byte[] bytes => Convert.ToHexStringLower(bytes),
                DateTime at => at.ToString("O"),
                var value => value.ToString(),
            })));
        return rows;
    }
}
