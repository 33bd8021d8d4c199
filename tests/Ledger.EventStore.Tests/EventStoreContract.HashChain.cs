using Npgsql;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    [Fact]
    public async Task TheHashChainIsRecomputedFromTheStoredRowsAlone()
    {
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream,
            Event(new TestEvents.CaseFiled(Party: "余某某", Note: "引号\"、换行\n与 emoji 🙂", FineFen: 12_345_678_901L)));
        await AppendAsync(stream, ExpectedVersion.Exactly(1), Event(new TestEvents.DecisionTaken(1, new TestEvents.Pair(2, 3))), Event());

        var events = await Store.ReadStreamAsync(stream);
        var head = await Store.GetStreamAsync(stream);

        EventHashChain.Verify(head, events).ShouldBeEmpty();
        events[0].PreviousHash.ShouldBe(new byte[32]);
        foreach (var e in events)
        {
            // The database's own definition agrees with the verifier's, byte for byte.
            await using var command = Db.Owner.CreateCommand(
                "select ledger.event_hash(previous_hash, stream_id, version, id, type, recorded_at, data, headers) " +
                "from ledger.mt_events where seq_id = $1");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Position });
            ((byte[])(await command.ExecuteScalarAsync())!).ShouldBe(e.Hash);
        }
    }

    [Fact]
    public async Task AnAlteredOrMissingEventBreaksTheChainAtThatVersion()
    {
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream, Event(), Event(new TestEvents.CaseFiled(FineFen: 100_000)), Event());
        var events = await Store.ReadStreamAsync(stream);
        var head = await Store.GetStreamAsync(stream);

        var edited = events.Select(e => e.Version == 2 ? e with { Data = "{\"fine_fen\": 1}" } : e).ToList();
        var editedProblems = EventHashChain.Verify(head, edited);
        editedProblems.ShouldHaveSingleItem().Version.ShouldBe(2);
        editedProblems[0].What.ShouldContain("recomputed");

        var removed = EventHashChain.Verify(head, events.Where(e => e.Version != 2).ToList());
        removed.ShouldContain(p => p.Version == 3 && p.What.Contains("missing"));
        removed.ShouldContain(p => p.Version == 3 && p.What.Contains("does not link"));

        var cut = EventHashChain.Verify(head, events.Take(2).ToList());
        cut.ShouldContain(p => p.What.Contains("stream head says version 3"));
    }
}
