using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    [Fact]
    public async Task ARetryAfterTheConnectionDroppedBeforeCommitWritesTheEventsOnce()
    {
        var stream = NewStreamId();
        var events = new[] { Event(), Event() };
        var request = new AppendRequest(stream, "case", ExpectedVersion.NoStream, events, Metadata());

        await using (var connection = await Store.DataSource.OpenConnectionAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await Store.AppendAsync(request, connection, transaction);
            await KillBackendAsync(connection.ProcessID);
            await Should.ThrowAsync<Exception>(() => transaction.CommitAsync());
        }
        (await Db.CountEventsAsync()).ShouldBe(0);

        var retried = await Store.AppendAsync(request);

        retried.AlreadyRecorded.ShouldBeFalse();
        retried.StreamVersion.ShouldBe(2);
        (await Store.ReadStreamAsync(stream)).Select(e => e.EventId).ShouldBe(events.Select(e => e.EventId));
    }

    [Fact]
    public async Task ARetryAfterTheConnectionDroppedAfterCommitReturnsTheOriginalResultAndWritesNothing()
    {
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream, Event());
        var request = new AppendRequest(stream, "case", ExpectedVersion.Exactly(1), [Event(), Event()], Metadata());
        var original = await AppendCommittedButUnheardAsync(request);
        await AppendAsync(stream, ExpectedVersion.Exactly(3), Event()); // the stream moves on meanwhile
        var count = await Db.CountEventsAsync();

        var retried = await Store.AppendAsync(request);

        retried.AlreadyRecorded.ShouldBeTrue();
        retried.StreamVersion.ShouldBe(original.StreamVersion);
        retried.FirstPosition.ShouldBe(original.FirstPosition);
        retried.LastPosition.ShouldBe(original.LastPosition);
        retried.RecordedAt.ShouldBe(original.RecordedAt);
        (await Db.CountEventsAsync()).ShouldBe(count);
        // Retrying with expected version 'any' is just as safe.
        (await Store.AppendAsync(request with { Expected = ExpectedVersion.Any })).AlreadyRecorded.ShouldBeTrue();
        (await Db.CountEventsAsync()).ShouldBe(count);
    }

    [Fact]
    public async Task AnEventIdReusedWithOtherContentIsRefusedAndSaysSo()
    {
        var stream = NewStreamId();
        var original = Event(new TestEvents.CaseFiled(Region: "140824"));
        await AppendAsync(stream, ExpectedVersion.NoStream, original);
        var count = await Db.CountEventsAsync();

        var changed = original with { Data = new TestEvents.CaseFiled(Region: "140823") };
        var error = await Should.ThrowAsync<EventIdReusedException>(() => AppendAsync(stream, ExpectedVersion.Any, changed));
        error.Message.ShouldContain(original.EventId.ToString());
        error.Message.ShouldContain("differs from what was recorded");

        // Part of a batch already recorded, part new: not a faithful retry either.
        await Should.ThrowAsync<EventIdReusedException>(() => AppendAsync(stream, ExpectedVersion.Any, original, Event()));
        // The same id in another stream.
        await Should.ThrowAsync<EventIdReusedException>(() => AppendAsync(NewStreamId(), ExpectedVersion.Any, original));
        (await Db.CountEventsAsync()).ShouldBe(count);
    }

    /// <summary>Appends and commits, then cuts the connection before the client hears the outcome; returns what the
    /// append reported before the commit (what a client that heard it would have had).</summary>
    private async Task<AppendResult> AppendCommittedButUnheardAsync(AppendRequest request)
    {
        await using var connection = await Store.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await Store.AppendAsync(request, connection, transaction);
        await transaction.CommitAsync();
        await KillBackendAsync(connection.ProcessID);
        await using var probe = new NpgsqlCommand("select 1", connection);
        await Should.ThrowAsync<Exception>(() => probe.ExecuteScalarAsync());
        return result;
    }

    private async Task KillBackendAsync(int processId)
    {
        await using var command = Db.Owner.CreateCommand("select pg_terminate_backend($1)");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = processId });
        (await command.ExecuteScalarAsync()).ShouldBe(true);
    }
}
