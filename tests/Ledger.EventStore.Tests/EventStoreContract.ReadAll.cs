using System.Collections.Concurrent;
using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    [Fact]
    public async Task TheCommitOrderReaderWaitsForALateCommitOnALowPositionInsteadOfSkippingIt()
    {
        await AppendAsync(NewStreamId(), ExpectedVersion.NoStream, Event());
        var seen = new List<RecordedEvent>();
        var checkpoint = await DrainAsync(GlobalCheckpoint.Start, seen);
        seen.Count.ShouldBe(1);

        // A transaction takes a low position and stays open while later ones commit.
        await using var slow = await Store.DataSource.OpenConnectionAsync();
        await using var slowTransaction = await slow.BeginTransactionAsync();
        var late = await Store.AppendAsync(
            new AppendRequest(NewStreamId(), "case", ExpectedVersion.NoStream, [Event(new TestEvents.LateCommit())], Metadata()), slow, slowTransaction);
        var later = new List<AppendResult>();
        for (var i = 0; i < 5; i++) later.Add(await AppendAsync(NewStreamId(), ExpectedVersion.NoStream, Event()));
        later.ShouldAllBe(r => r.FirstPosition > late.FirstPosition);

        // While it is open, nothing at or after it is handed out: handing out the later ones would
        // move the checkpoint past the low position for good.
        checkpoint = await DrainAsync(checkpoint, seen);
        seen.Count.ShouldBe(1);

        await slowTransaction.CommitAsync();
        checkpoint = await DrainAsync(checkpoint, seen);

        seen.Count.ShouldBe(7);
        seen.Select(e => e.Position).Distinct().Count().ShouldBe(7);
        seen.ShouldContain(e => e.Position == late.FirstPosition);
        (await DrainAsync(checkpoint, seen)).ShouldBe(checkpoint);
        seen.Count.ShouldBe(7);
    }

    [Fact]
    public async Task CommitOrderComparesTransactionIdsAsNumbersAcrossADigitBoundary()
    {
        // Regression: the text form of the xid was once named transaction_id in the select list, so
        // "order by transaction_id" sorted "10" before "9" and pages skipped and repeated events once real
        // transaction ids crossed a digit boundary. Waiting for real ids to do that costs up to 9 × 10^n
        // transactions, so a superuser writes two rows with old ids 9 and 10 (older than any running transaction), with
        // triggers off (ledger.record_event would stamp the writing transaction's id).
        await AppendAsync(NewStreamId(), ExpectedVersion.NoStream, Event());
        var (nine, ten) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var connection = await Db.Owner.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var replica = new NpgsqlCommand("set local session_replication_role = replica", connection, transaction))
                await replica.ExecuteNonQueryAsync();
            await using var insert = new NpgsqlCommand(
                "insert into ledger.mt_events (seq_id, id, stream_id, version, type, data, headers, recorded_at, transaction_id, previous_hash, hash) " +
                "values (nextval('ledger.mt_events_sequence'), $1, $3, 1, 'old.v1', '{}', '{\"actor\": \"test\"}', now(), '9', $4, $4), " +
                "(nextval('ledger.mt_events_sequence'), $2, $3 || '-b', 1, 'old.v1', '{}', '{\"actor\": \"test\"}', now(), '10', $4, $4)",
                connection, transaction);
            insert.Parameters.AddWithValue(nine);
            insert.Parameters.AddWithValue(ten);
            insert.Parameters.AddWithValue(NewStreamId());
            insert.Parameters.AddWithValue(new byte[32]);
            await insert.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        var seen = new List<RecordedEvent>();
        await DrainAsync(GlobalCheckpoint.Start, seen, pageSize: 1);
        seen.Take(2).Select(e => e.EventId).ShouldBe([nine, ten]);
        seen.Select(e => (e.TransactionId, e.Position)).ShouldBe(seen.Select(e => (e.TransactionId, e.Position)).Order(), "pages follow numeric commit order");
        seen.Count.ShouldBe(3);
    }

    [Fact]
    public async Task AReaderPollingWhileWritersCommitSeesEveryEventExactlyOnceInCommitOrder()
    {
        var writersDone = false;
        var written = new ConcurrentBag<Guid>();
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var events = Enumerable.Range(0, 1 + (i % 3)).Select(_ => Event()).ToArray();
                await AppendAsync($"stream-{w}-{i % 4}-{Db.Name}", ExpectedVersion.Any, events);
                foreach (var e in events) written.Add(e.EventId);
            }
        })).ToList();
        var done = Task.WhenAll(writers).ContinueWith(_ => Volatile.Write(ref writersDone, true));

        var seen = new List<RecordedEvent>();
        var checkpoint = GlobalCheckpoint.Start;
        while (!Volatile.Read(ref writersDone))
        {
            var page = await Store.ReadAllAsync(checkpoint, 17);
            seen.AddRange(page.Events);
            checkpoint = page.Next;
        }
        await done;
        await DrainAsync(checkpoint, seen);

        seen.Select(e => e.EventId).ShouldBe(written, ignoreOrder: true);
        seen.Select(e => e.EventId).Distinct().Count().ShouldBe(seen.Count);
        seen.Select(e => e.Checkpoint).ShouldBe(seen.Select(e => e.Checkpoint).OrderBy(c => c.TransactionId).ThenBy(c => c.Position));
    }

    private async Task<GlobalCheckpoint> DrainAsync(GlobalCheckpoint from, List<RecordedEvent> into, int pageSize = 3)
    {
        while (true)
        {
            var page = await Store.ReadAllAsync(from, pageSize);
            if (page.Events.Count == 0) return from;
            into.AddRange(page.Events);
            from = page.Next;
        }
    }
}
