using Marten;
using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    [Theory]
    [InlineData("update ledger.mt_events set data = '{\"fine_fen\": 1}'")]
    [InlineData("delete from ledger.mt_events")]
    [InlineData("truncate ledger.mt_events cascade")]
    [InlineData("update ledger.events set data = '{\"fine_fen\": 1}'")]
    [InlineData("delete from ledger.mt_streams")]
    [InlineData("select ledger.mt_archive_stream(id) from ledger.mt_streams")]
    public async Task TheApplicationRoleMayNotRewriteEvents(string sql)
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

    [Fact]
    public async Task AnEventWrittenPastMartenByHandIsStillStampedAndChainedByTheDatabase()
    {
        // The application role may insert (Marten's Quick mode inserts a new stream's rows itself), so what it writes
        // by hand is held to the same rules: the database, not the writer, decides the hash, the link and the instant.
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream, Event());
        var forged = "'\\x" + string.Concat(Enumerable.Repeat("ab", 32)) + "'";

        await using (var command = Db.App.CreateCommand(
            "insert into ledger.mt_events (seq_id, id, stream_id, version, data, type, headers, recorded_at, transaction_id, previous_hash, hash) " +
            $"values (nextval('ledger.mt_events_sequence'), gen_random_uuid(), $1, 2, '{{}}', 'forged.v1', '{{\"actor\": \"intruder\"}}', " +
            $"'2001-01-01', '1', {forged}, {forged})"))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
            await command.ExecuteNonQueryAsync();
        }

        var events = await Store.ReadStreamAsync(stream);
        events[1].PreviousHash.ShouldBe(events[0].Hash);
        events[1].Hash.ShouldBe(EventHashChain.Compute(events[1], events[0].Hash));
        events[1].RecordedAt.ShouldBeGreaterThanOrEqualTo(events[0].RecordedAt);
        events[1].TransactionId.ShouldNotBe(1UL);
        // A version that skips one is refused outright.
        var gap = await Should.ThrowAsync<PostgresException>(async () =>
        {
            await using var command = Db.App.CreateCommand(
                "insert into ledger.mt_events (seq_id, id, stream_id, version, data, type, headers) " +
                "values (nextval('ledger.mt_events_sequence'), gen_random_uuid(), $1, 5, '{}', 'forged.v1', '{\"actor\": \"intruder\"}')");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
            await command.ExecuteNonQueryAsync();
        });
        gap.SqlState.ShouldBe("LE007");
        gap.MessageText.ShouldContain("versions are contiguous");
    }

    [Theory]
    [InlineData("update ledger.mt_events set data = '{\"fine_fen\": 1}'", "UPDATE on ledger.mt_events is refused")]
    [InlineData("update ledger.events set data = '{\"fine_fen\": 1}'", "UPDATE on ledger.mt_events is refused")]
    [InlineData("delete from ledger.mt_events", "DELETE on ledger.mt_events is refused")]
    [InlineData("truncate ledger.mt_events cascade", "TRUNCATE on ledger.mt_events is refused")]
    [InlineData("delete from ledger.mt_streams", "DELETE on ledger.mt_streams is refused")]
    [InlineData("truncate ledger.mt_streams cascade", "TRUNCATE on ledger.mt_streams is refused")]
    [InlineData("update ledger.mt_streams set version = 0", "its version only moves forward")]
    [InlineData("update ledger.mt_streams set version = version + 1", "has no event at version")]
    [InlineData("update ledger.mt_streams set type = 'other'", "only version, timestamp and a missing type may change")]
    // Marten's archiving marks the stream and its events: refused at the stream row.
    [InlineData("select ledger.mt_archive_stream(id) from ledger.mt_streams", "only version, timestamp and a missing type may change")]
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
        if (error.MessageText.Contains("ledger.mt_events")) error.MessageText.ShouldContain("append-only");
        (await Db.CountEventsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task MartensFeaturesThatRewriteEventsAreRefusedEvenForTheOwner()
    {
        // Marten's own API, on a store connected as the owner: each of these would update or delete event rows.
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream, Event(), Event());
        await using var owner = new LedgerEventStore(Db.Owner, TestEvents.Types, TestEvents.Json);
        var attempts = new Dictionary<string, Func<IDocumentSession, Task>>
        {
            ["ArchiveStream"] = s => { s.Events.ArchiveStream(stream); return s.SaveChangesAsync(); },
            ["TombstoneStream"] = s => { s.Events.TombstoneStream(stream); return s.SaveChangesAsync(); },
        };
        foreach (var (name, attempt) in attempts)
        {
            await using var session = owner.Marten.LightweightSession();
            var error = await Should.ThrowAsync<Exception>(() => attempt(session), name);
            Innermost<PostgresException>(error).SqlState.ShouldBe("LE003", name);
        }
        var clean = await Should.ThrowAsync<Exception>(() => owner.Marten.Advanced.Clean.DeleteAllEventDataAsync());
        Innermost<PostgresException>(clean).SqlState.ShouldBe("LE003");

        (await Db.CountEventsAsync()).ShouldBe(2);
        (await Store.GetStreamAsync(stream))!.Version.ShouldBe(2);
        EventHashChain.Verify(await Store.GetStreamAsync(stream), await Store.ReadStreamAsync(stream)).ShouldBeEmpty();
    }

    private static T Innermost<T>(Exception error) where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
            if (e is T found) return found;
        throw new ShouldAssertException($"no {typeof(T).Name} in {error}");
    }
}
