using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    private const string ZeroHash = "'\\x0000000000000000000000000000000000000000000000000000000000000000'";

    /// <summary>An insert by hand into Marten's event table: a valid row unless one field is given otherwise.</summary>
    private static string EventRow(string streamId = "'case-by-hand'", string version = "1", string type = "'thing_happened.v1'",
                                   string data = "'{}'", string metadata = "'{\"actor\": \"a\"}'", string previousHash = ZeroHash) =>
        "insert into ledger.mt_events (seq_id, id, stream_id, version, type, data, headers, recorded_at, previous_hash, hash) " +
        $"values (nextval('ledger.mt_events_sequence'), gen_random_uuid(), {streamId}, {version}, {type}, {data}, {metadata}, now(), {previousHash}, {ZeroHash})";

    private static string StreamRow(string type = "'case'", string version = "1") =>
        $"insert into ledger.mt_streams (id, type, version) values ('case-by-hand', {type}, {version})";

    public static TheoryData<string, string> RowsBreakingOneRule => new()
    {
        { EventRow(type: "'Thing Happened'"), "event_type_shape" },
        { EventRow(version: "0"), "event_version_positive" },
        { EventRow(data: "'[1]'"), "json_value_is_object" },
        { EventRow(metadata: "'\"actor\"'"), "json_value_is_object" },
        { EventRow(metadata: "null"), "json_value_is_object" },
        { EventRow(streamId: "e'case\\nby-hand'"), "stream_id_shape" },
        { EventRow(streamId: "''"), "stream_id_shape" },
        { StreamRow(type: "'Case'"), "stream_type_shape" },
        { StreamRow(version: "-1"), "stream_version_not_negative" },
    };

    // The column rules are checked by the tables' triggers (migrations/0011 says why not by CHECK constraints): they
    // bind whoever writes, the owner by hand and COPY included.
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
        error.ConstraintName.ShouldBe(rule);
        (await Db.CountEventsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task TheColumnRulesAcceptTheRowsWhoseOneFieldWasBrokenAbove()
    {
        // The counterpart of the refusals above: only the broken field made them fail.
        foreach (var sql in new[] { StreamRow(), EventRow() })
        {
            await using var command = Db.Owner.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }

        (await Db.CountEventsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task AHashThatIsNotSha256IsRefusedByItsTypeEvenWithTriggersOff()
    {
        // The hash columns are of the domain ledger.sha256_digest: a type, which no session setting switches off.
        var error = await Should.ThrowAsync<PostgresException>(() => ExecuteWithTriggersOffAsync(EventRow(previousHash: "'\\x00'")));

        error.SqlState.ShouldBe(PostgresErrorCodes.CheckViolation);
        error.MessageText.ShouldContain("\"hash_is_sha256\"");
        (await Db.CountEventsAsync()).ShouldBe(0);
    }

    private async Task ExecuteWithTriggersOffAsync(string sql)
    {
        await using var connection = await Db.Owner.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var replica = new NpgsqlCommand("set local session_replication_role = replica", connection, transaction))
            await replica.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
