using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    private const string ZeroHash = "'\\x0000000000000000000000000000000000000000000000000000000000000000'";

    /// <summary>An insert by hand into ledger.events: a valid row unless one field is given otherwise.</summary>
    private static string EventRow(string streamId = "'case-by-hand'", string version = "1", string type = "'thing_happened.v1'",
                                   string data = "'{}'", string metadata = "'{}'", string previousHash = ZeroHash) =>
        "insert into ledger.events (event_id, stream_id, version, event_type, data, metadata, recorded_at, previous_hash, hash) " +
        $"values (gen_random_uuid(), {streamId}, {version}, {type}, {data}, {metadata}, now(), {previousHash}, {ZeroHash})";

    private static string StreamRow(string type = "'case'", string version = "1", string headHash = ZeroHash) =>
        "insert into ledger.streams (stream_id, stream_type, version, head_hash, created_at, updated_at) " +
        $"values ('case-by-hand', {type}, {version}, {headHash}, now(), now())";

    public static TheoryData<string, string> RowsBreakingOneRule => new()
    {
        { EventRow(type: "'Thing Happened'"), "event_type_shape" },
        { EventRow(version: "0"), "event_version_positive" },
        { EventRow(data: "'[1]'"), "json_value_is_object" },
        { EventRow(metadata: "'\"actor\"'"), "json_value_is_object" },
        { EventRow(previousHash: "'\\x00'"), "hash_is_sha256" },
        { EventRow(streamId: "e'case\\nby-hand'"), "stream_id_shape" },
        { EventRow(streamId: "''"), "stream_id_shape" },
        { StreamRow(type: "'Case'"), "stream_type_shape" },
        { StreamRow(version: "-1"), "stream_version_not_negative" },
        { StreamRow(headHash: "'\\x0102'"), "hash_is_sha256" },
    };

    // Migration 0008 moved the column rules of 0001 from table checks to domains (cheaper per statement). They must
    // still bind whoever writes: the owner by hand here, the append function below.
    [Theory]
    [MemberData(nameof(RowsBreakingOneRule))]
    public async Task TheColumnRulesBindTheOwnerWritingByHand(string sql, string rule)
    {
        var error = await Should.ThrowAsync<PostgresException>(async () =>
        {
            await using var command = Db.Owner.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        });

        error.SqlState.ShouldBe(PostgresErrorCodes.CheckViolation);
        error.MessageText.ShouldContain($"\"{rule}\"");
        (await Db.CountEventsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task TheColumnRulesAcceptTheRowsWhoseOneFieldWasBrokenAbove()
    {
        // The counterpart of the refusals above: only the broken field made them fail.
        foreach (var sql in new[] { EventRow(), StreamRow() })
        {
            await using var command = Db.Owner.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }

        (await Db.CountEventsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task TheColumnRulesBindTheAppendFunctionCalledDirectly()
    {
        // The store validates first (naming the field); a caller going straight to the function meets the rule.
        var error = await Should.ThrowAsync<PostgresException>(async () =>
        {
            await using var command = Db.App.CreateCommand(
                "select * from ledger.append_events('case-direct', 'case', 0, array[gen_random_uuid()], array['Not A Type'], " +
                "array['{}'::jsonb], '{\"actor\": \"officer-001\"}'::jsonb)");
            await command.ExecuteNonQueryAsync();
        });

        error.SqlState.ShouldBe(PostgresErrorCodes.CheckViolation);
        error.MessageText.ShouldContain("\"event_type_shape\"");
        (await Db.CountEventsAsync()).ShouldBe(0);
        await using var streams = Db.Owner.CreateCommand("select count(*) from ledger.streams");
        ((long)(await streams.ExecuteScalarAsync())!).ShouldBe(0);
    }
}
