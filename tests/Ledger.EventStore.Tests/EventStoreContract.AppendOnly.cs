using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    [Theory]
    [InlineData("update ledger.events set data = '{\"fine_fen\": 1}'")]
    [InlineData("delete from ledger.events")]
    [InlineData("truncate ledger.events cascade")]
    [InlineData("update ledger.streams set version = version + 1")]
    // Writing past ledger.append_events would skip the version check and the hash chain.
    [InlineData("insert into ledger.events (event_id, stream_id, version, event_type, data, metadata, recorded_at, previous_hash, hash) " +
                "select gen_random_uuid(), stream_id, version + 1, 'forged.v1', '{}', '{}', now(), head_hash, head_hash from ledger.streams")]
    public async Task TheApplicationRoleMayNotRewriteEventsOrWriteAroundTheAppendFunction(string sql)
    {
        await AppendAsync(NewStreamId(), ExpectedVersion.NoStream, Event());

        var error = await Should.ThrowAsync<PostgresException>(async () =>
        {
            await using var command = Db.App.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        });

        error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await Db.CountEventsAsync()).ShouldBe(1);
    }

    [Theory]
    [InlineData("update ledger.events set data = '{\"fine_fen\": 1}'", "UPDATE on ledger.events is refused")]
    [InlineData("delete from ledger.events", "DELETE on ledger.events is refused")]
    [InlineData("truncate ledger.events cascade", "TRUNCATE on ledger.events is refused")]
    [InlineData("delete from ledger.streams", "DELETE on ledger.streams is refused")]
    [InlineData("truncate ledger.streams cascade", "TRUNCATE on ledger.streams is refused")]
    [InlineData("update ledger.streams set version = 0", "only version, head hash and updated_at may change")]
    public async Task EvenTheOwnerIsRefusedByTriggersThatNameTheRule(string sql, string message)
    {
        await AppendAsync(NewStreamId(), ExpectedVersion.NoStream, Event());

        var error = await Should.ThrowAsync<PostgresException>(async () =>
        {
            await using var command = Db.Owner.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        });

        error.SqlState.ShouldBe("LE003");
        error.MessageText.ShouldContain(message);
        if (error.MessageText.Contains("ledger.events")) error.MessageText.ShouldContain("append-only");
        (await Db.CountEventsAsync()).ShouldBe(1);
    }
}
