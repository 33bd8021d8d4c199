using System.Collections.Concurrent;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    [Fact]
    public async Task ThirtyTwoRacingWritersProduceExactlyOneWinnerPerVersion()
    {
        const int writers = 32;
        const int target = 1000;
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream, Event(new TestEvents.RaceStarted()));
        var successes = 0;
        var conflicts = 0;
        var zeroEventAppends = 0;
        var winners = new ConcurrentBag<(Guid EventId, long Version)>();

        async Task Writer(int writer)
        {
            var random = new Random(writer);
            while (Volatile.Read(ref successes) < target)
            {
                var head = await Store.GetStreamAsync(stream);
                var expected = ExpectedVersion.Exactly(head!.Version);
                if (random.Next(8) == 0)
                {
                    // Zero-event appends interleaved with real ones: they check, write nothing, hold nothing.
                    try { await AppendAsync(stream, expected); Interlocked.Increment(ref zeroEventAppends); }
                    catch (ConcurrencyException) { Interlocked.Increment(ref conflicts); }
                    continue;
                }
                var e = Event(new TestEvents.RaceWon(writer));
                try
                {
                    var result = await AppendAsync(stream, expected, e);
                    Interlocked.Increment(ref successes);
                    result.StreamVersion.ShouldBe(expected.Value + 1);
                    winners.Add((e.EventId, result.StreamVersion));
                }
                catch (ConcurrencyException conflict)
                {
                    conflict.ActualVersion.ShouldBeGreaterThan(expected.Value);
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => Writer(w))));

        var events = await Store.ReadStreamAsync(stream);
        // Final version = 1 (the starting event) + every success; writers stop once 1,000 have succeeded.
        var won = events.Count - 1;
        won.ShouldBe(successes);
        winners.Count.ShouldBe(successes);
        events.Select(e => e.Version).ShouldBe(Enumerable.Range(1, events.Count).Select(v => (long)v));
        events.Select(e => e.EventId).Distinct().Count().ShouldBe(events.Count);
        (await Store.GetStreamAsync(stream))!.Version.ShouldBe(events.Count);
        foreach (var (eventId, version) in winners) events[(int)version - 1].EventId.ShouldBe(eventId);
        won.ShouldBeGreaterThanOrEqualTo(target);
        conflicts.ShouldBeGreaterThan(0);
        zeroEventAppends.ShouldBeGreaterThan(0);
        EventHashChain.Verify(await Store.GetStreamAsync(stream), events).ShouldBeEmpty();
    }

    [Fact]
    public async Task RacingCreatorsOfOneNewStreamGetOneWinner()
    {
        var stream = NewStreamId();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            try { await AppendAsync(stream, ExpectedVersion.NoStream, Event()); return true; }
            catch (ConcurrencyException e) { e.ActualVersion.ShouldBe(1); return false; }
        })));

        outcomes.Count(won => won).ShouldBe(1);
        (await Store.ReadStreamAsync(stream)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task WritersExpectingAnyVersionAllSucceedWithContiguousVersions()
    {
        var stream = NewStreamId();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => AppendAsync(stream, ExpectedVersion.Any, Event(), Event()))));

        var events = await Store.ReadStreamAsync(stream);
        events.Select(e => e.Version).ShouldBe(Enumerable.Range(1, 32).Select(v => (long)v));
        EventHashChain.Verify(await Store.GetStreamAsync(stream), events).ShouldBeEmpty();
    }
}
