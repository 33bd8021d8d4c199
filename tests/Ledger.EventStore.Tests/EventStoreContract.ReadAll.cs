using System.Collections.Concurrent;
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
            new AppendRequest(NewStreamId(), "case", ExpectedVersion.NoStream, [Event("late_commit.v1")], Metadata()), slow, slowTransaction);
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
        // "order by transaction_id" sorted "1000" before "916" and pages skipped and repeated events.
        var first = Event();
        await AppendAsync(NewStreamId(), ExpectedVersion.NoStream, first);
        var firstXid = (await Store.ReadEventAsync(first.EventId))!.TransactionId;
        var digits = firstXid.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        // Burn transaction ids (each subtransaction that writes takes one) until they have one more digit.
        while (true)
        {
            await using (var burn = Store.DataSource.CreateCommand(
                "do $$ begin create temp table if not exists xid_burn (n int); " +
                "for i in 1..2000 loop begin insert into xid_burn values (i); exception when others then null; end; end loop; end $$"))
                await burn.ExecuteNonQueryAsync();
            await using var current = Store.DataSource.CreateCommand("select pg_current_xact_id()::text");
            if (((string)(await current.ExecuteScalarAsync())!).Length > digits) break;
        }
        var second = Event();
        await AppendAsync(NewStreamId(), ExpectedVersion.NoStream, second);

        var page = await Store.ReadAllAsync(new GlobalCheckpoint(firstXid, 0), 1);
        page.Events.Single().EventId.ShouldBe(first.EventId);
        var rest = new List<RecordedEvent>();
        await DrainAsync(page.Next, rest);
        rest.Select(e => e.EventId).ShouldContain(second.EventId);
        rest.ShouldAllBe(e => e.TransactionId > firstXid, "nothing after the first event comes from an older transaction");
        rest.Select(e => (e.TransactionId, e.Position)).ShouldBe(rest.Select(e => (e.TransactionId, e.Position)).Order(), "pages follow numeric commit order");
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

    private async Task<GlobalCheckpoint> DrainAsync(GlobalCheckpoint from, List<RecordedEvent> into)
    {
        while (true)
        {
            var page = await Store.ReadAllAsync(from, 3);
            if (page.Events.Count == 0) return from;
            into.AddRange(page.Events);
            from = page.Next;
        }
    }
}
