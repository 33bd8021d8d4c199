using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

/// <summary>
/// A new stream with one event goes through ledger.append_first_event (migration 0009), every other append through
/// ledger.append_events. The general tests cover both; these pin what the first-event path must share with the general
/// one when the stream already exists, and that it writes the same rows.
/// </summary>
public abstract partial class EventStoreContract
{
    [Fact]
    public async Task AFirstEventWrittenByEitherPathHasTheSameChainRowAndStreamHead()
    {
        var single = NewStreamId();
        var batch = NewStreamId();
        await AppendAsync(single, ExpectedVersion.NoStream, Event("complaint_received.v1", new { note = "引号\"与换行\n" }));
        await AppendAsync(batch, ExpectedVersion.NoStream, Event("complaint_received.v1", new { note = "引号\"与换行\n" }), Event());

        foreach (var stream in new[] { single, batch })
        {
            var events = await Store.ReadStreamAsync(stream);
            var head = (await Store.GetStreamAsync(stream))!;
            EventHashChain.Verify(head, events).ShouldBeEmpty();
            events[0].Version.ShouldBe(1);
            events[0].PreviousHash.ShouldBe(new byte[32]);
            head.StreamType.ShouldBe("case");
            head.CreatedAt.ShouldBe(events[0].RecordedAt);
            head.UpdatedAt.ShouldBe(events[^1].RecordedAt);
            await using var command = Db.Owner.CreateCommand(
                "select ledger.event_hash(previous_hash, stream_id, version, event_id, event_type, recorded_at, data, metadata) = hash " +
                "from ledger.events where stream_id = $1 and version = 1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
            (await command.ExecuteScalarAsync()).ShouldBe(true);
        }
        var singleHead = (await Store.GetStreamAsync(single))!;
        singleHead.Version.ShouldBe(1);
        singleHead.HeadHash.ShouldBe((await Store.ReadStreamAsync(single))[0].Hash);
    }

    [Fact]
    public async Task AFirstEventRetriedAfterAnUnseenCommitReturnsTheOriginalResultAndWritesNothing()
    {
        var stream = NewStreamId();
        var request = new AppendRequest(stream, "case", ExpectedVersion.NoStream, [Event("case_filed.v1")], Metadata());
        var original = await AppendCommittedButUnheardAsync(request);
        original.AlreadyRecorded.ShouldBeFalse();
        original.StreamVersion.ShouldBe(1);
        original.FirstPosition.ShouldBe(original.LastPosition);
        await AppendAsync(stream, ExpectedVersion.Exactly(1), Event()); // the stream moves on meanwhile
        var count = await Db.CountEventsAsync();

        var retried = await Store.AppendAsync(request);

        retried.ShouldBe(original with { AlreadyRecorded = true });
        (await Db.CountEventsAsync()).ShouldBe(count);
    }

    [Fact]
    public async Task AFirstEventForAStreamThatExistsIsAConflictOrAReusedIdAndWritesNothing()
    {
        var stream = NewStreamId();
        var first = Event("case_filed.v1", new { region = "140824" });
        await AppendAsync(stream, ExpectedVersion.NoStream, first);
        var count = await Db.CountEventsAsync();

        var conflict = await Should.ThrowAsync<ConcurrencyException>(() => AppendAsync(stream, ExpectedVersion.NoStream, Event()));
        conflict.ActualVersion.ShouldBe(1);
        var reused = first with { Data = Event(data: new { region = "140823" }).Data };
        (await Should.ThrowAsync<EventIdReusedException>(() => AppendAsync(stream, ExpectedVersion.NoStream, reused)))
            .Message.ShouldContain(first.EventId.ToString());
        var otherType = await Should.ThrowAsync<EventStoreValidationException>(() =>
            Store.AppendAsync(new AppendRequest(stream, "agency", ExpectedVersion.NoStream, [Event()], Metadata())));
        otherType.Field.ShouldBe("streamType");

        (await Db.CountEventsAsync()).ShouldBe(count);
        // No position was taken by the refused appends: the next event follows the first directly.
        var next = await AppendAsync(stream, ExpectedVersion.Exactly(1), Event());
        next.FirstPosition.ShouldBe((await Store.ReadStreamAsync(stream))[0].Position + 1);
    }

    [Theory]
    [InlineData("'Case'", "'thing_happened.v1'", "'{}'", "stream_type_shape")]
    [InlineData("'case'", "'Thing Happened'", "'{}'", "event_type_shape")]
    [InlineData("'case'", "'thing_happened.v1'", "'[1]'", "json_value_is_object")]
    public async Task TheColumnRulesBindTheFirstEventFunctionCalledDirectly(string streamType, string eventType, string data, string rule)
    {
        var error = await CallFirstEventFunctionRefusedAsync(
            $"'case-direct', {streamType}, gen_random_uuid(), {eventType}, {data}::jsonb, '{{\"actor\": \"officer-001\"}}'::jsonb");

        error.SqlState.ShouldBe(PostgresErrorCodes.CheckViolation);
        error.MessageText.ShouldContain($"\"{rule}\"");
        await ShouldHaveWrittenNoRowAsync();
    }

    [Theory]
    [InlineData("null", "'case'", "gen_random_uuid()", "'thing_happened.v1'", "'{}'")]
    [InlineData("'case-direct'", "'case'", "null", "'thing_happened.v1'", "'{}'")]
    [InlineData("'case-direct'", "'case'", "gen_random_uuid()", "null", "'{}'")]
    [InlineData("'case-direct'", "'case'", "gen_random_uuid()", "'thing_happened.v1'", "null")]
    public async Task TheFirstEventFunctionRefusesANullFieldTheHashCovers(string streamId, string streamType, string eventId, string eventType, string data)
    {
        // The function is callable directly, past the store's checks. A null in a field the hash covers must stop the
        // append, never be hashed as if the field were absent (a rewrite of the hash text with concat_ws, which skips
        // nulls, was measured on 2026-11-21 and not kept; this pins the rule for any later one).
        var error = await CallFirstEventFunctionRefusedAsync(
            $"{streamId}, {streamType}, {eventId}, {eventType}, {data}::jsonb, '{{\"actor\": \"officer-001\"}}'::jsonb");

        error.SqlState.ShouldBe(PostgresErrorCodes.NotNullViolation);
        await ShouldHaveWrittenNoRowAsync();
    }

    [Theory]
    [InlineData("null", "metadata must be a JSON object")]
    [InlineData("'[]'", "metadata must be a JSON object")]
    [InlineData("'{\"actor\": \"x\", \"imported_at\": \"2020-01-01T00:00:00Z\"}'", "metadata.imported_at is stamped by the ledger")]
    public async Task TheFirstEventFunctionRefusesMetadataTheLedgerWouldNotRecord(string metadata, string message)
    {
        var error = await CallFirstEventFunctionRefusedAsync(
            $"'case-direct', 'case', gen_random_uuid(), 'thing_happened.v1', '{{}}'::jsonb, {metadata}::jsonb");

        error.SqlState.ShouldBe("22023");
        error.MessageText.ShouldContain(message);
        await ShouldHaveWrittenNoRowAsync();
    }

    /// <summary>Calls ledger.append_first_event as the application role, past the store's own checks, and returns
    /// the refusal.</summary>
    private async Task<PostgresException> CallFirstEventFunctionRefusedAsync(string arguments) =>
        await Should.ThrowAsync<PostgresException>(async () =>
        {
            await using var command = Db.App.CreateCommand($"select * from ledger.append_first_event({arguments})");
            await command.ExecuteNonQueryAsync();
        });

    private async Task ShouldHaveWrittenNoRowAsync()
    {
        (await Db.CountEventsAsync()).ShouldBe(0);
        await using var streams = Db.Owner.CreateCommand("select count(*) from ledger.streams");
        ((long)(await streams.ExecuteScalarAsync())!).ShouldBe(0);
    }

    [Theory]
    [InlineData("ledger.append_first_event('case-x', 'case', gen_random_uuid(), 'thing_happened.v1', '{}', '{\"actor\": \"x\"}')")]
    [InlineData("ledger.append_events('case-x', 'case', 0, array[gen_random_uuid()], array['thing_happened.v1'], array['{}'::jsonb], '{\"actor\": \"x\"}')")]
    public async Task OnlyTheApplicationRoleMayCallTheAppendFunctions(string call)
    {
        // Both run with their owner's rights; a role that may merely log in and see the schema must not write through them.
        var role = $"ledger_test_nobody_{Guid.NewGuid():N}";
        await ExecuteAsOwnerAsync($"create role {role}; grant usage on schema ledger to {role}");
        try
        {
            var error = await Should.ThrowAsync<PostgresException>(async () =>
            {
                await using var connection = await Db.Owner.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await using var command = new NpgsqlCommand($"set local role {role}; select * from {call}", connection, transaction);
                await command.ExecuteNonQueryAsync();
            });

            error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
            error.MessageText.ShouldContain("permission denied for function");
            (await Db.CountEventsAsync()).ShouldBe(0);
        }
        finally
        {
            await ExecuteAsOwnerAsync($"revoke usage on schema ledger from {role}; drop role {role}");
        }
    }

    private async Task ExecuteAsOwnerAsync(string sql)
    {
        await using var command = Db.Owner.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
