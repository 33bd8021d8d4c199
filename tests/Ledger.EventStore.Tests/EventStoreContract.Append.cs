using System.Text.Json;
using NodaTime;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    [Fact]
    public async Task AppendedEventsReadBackInVersionOrderWithTheirContent()
    {
        var stream = NewStreamId();
        var first = Event(new TestEvents.CaseFiled(Region: "140824", FineFen: 1_250_000L, Officers: ["a", "b"]));
        var second = Event(new TestEvents.FinePaid(1_250_000L, "2025-04-01"));
        var before = SystemClock.Instance.GetCurrentInstant();

        var result = await Store.AppendAsync(new AppendRequest(stream, "case", ExpectedVersion.NoStream, [first, second],
            new EventMetadata("officer-017", Guid.NewGuid()).ToJson()));

        result.StreamVersion.ShouldBe(2);
        result.AlreadyRecorded.ShouldBeFalse();
        result.LastPosition.ShouldBe(result.FirstPosition + 1);
        var events = await Store.ReadStreamAsync(stream);
        events.Select(e => e.Version).ShouldBe([1L, 2L]);
        events.Select(e => e.EventId).ShouldBe([first.EventId, second.EventId]);
        events.Select(e => e.Type).ShouldBe(["case_filed.v1", "fine_paid.v1"]);
        events.Select(e => e.Position).ShouldBe([result.FirstPosition!.Value, result.LastPosition!.Value]);
        JsonElement.DeepEquals(JsonDocument.Parse(events[0].Data).RootElement, TestEvents.JsonOf(first.Data)).ShouldBeTrue();
        JsonDocument.Parse(events[1].Metadata).RootElement.GetProperty("actor").GetString().ShouldBe("officer-017");
        // The test cluster runs in Asia/Shanghai: a local-vs-UTC mix-up would put this 8 hours off.
        (events[0].RecordedAt - before).ShouldBeLessThan(Duration.FromMinutes(1));
        (events[0].RecordedAt - before).ShouldBeGreaterThan(Duration.FromSeconds(-5));
        var head = await Store.GetStreamAsync(stream);
        head!.Version.ShouldBe(2);
        head.StreamType.ShouldBe("case");
        head.HeadHash.ShouldBe(events[1].Hash);
    }

    [Fact]
    public async Task AppendingToAnExistingStreamContinuesItsVersionsAndChain()
    {
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream, Event());
        var result = await AppendAsync(stream, ExpectedVersion.Exactly(1), Event(), Event());
        await AppendAsync(stream, ExpectedVersion.Any, Event());

        result.StreamVersion.ShouldBe(3);
        var events = await Store.ReadStreamAsync(stream);
        events.Select(e => e.Version).ShouldBe([1L, 2L, 3L, 4L]);
        for (var i = 1; i < events.Count; i++)
        {
            events[i].PreviousHash.ShouldBe(events[i - 1].Hash);
            events[i].RecordedAt.ShouldBeGreaterThanOrEqualTo(events[i - 1].RecordedAt);
        }
    }

    [Fact]
    public async Task AWriterWithAStaleVersionGetsAConflictCarryingTheActualVersionAndWritesNothing()
    {
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream, Event(), Event());
        var count = await Db.CountEventsAsync();

        var stale = await Should.ThrowAsync<ConcurrencyException>(() => AppendAsync(stream, ExpectedVersion.Exactly(1), Event()));
        stale.ActualVersion.ShouldBe(2);
        stale.Expected.ShouldBe(ExpectedVersion.Exactly(1));
        var exists = await Should.ThrowAsync<ConcurrencyException>(() => AppendAsync(stream, ExpectedVersion.NoStream, Event()));
        exists.ActualVersion.ShouldBe(2);
        var missing = await Should.ThrowAsync<ConcurrencyException>(() => AppendAsync(NewStreamId(), ExpectedVersion.Exactly(3), Event()));
        missing.ActualVersion.ShouldBe(0);

        (await Db.CountEventsAsync()).ShouldBe(count);
    }

    [Fact]
    public async Task ZeroEventAppendsReportTheVersionWriteNothingAndNeverHoldUpTheStream()
    {
        var stream = NewStreamId();
        (await AppendAsync(stream, ExpectedVersion.NoStream)).StreamVersion.ShouldBe(0);
        (await Store.GetStreamAsync(stream)).ShouldBeNull();
        await Should.ThrowAsync<ConcurrencyException>(() => AppendAsync(stream, ExpectedVersion.Exactly(2)));

        await AppendAsync(stream, ExpectedVersion.NoStream, Event());
        (await AppendAsync(stream, ExpectedVersion.Exactly(1))).StreamVersion.ShouldBe(1);
        (await AppendAsync(stream, ExpectedVersion.Any)).StreamVersion.ShouldBe(1);
        (await Should.ThrowAsync<ConcurrencyException>(() => AppendAsync(stream, ExpectedVersion.NoStream))).ActualVersion.ShouldBe(1);
        (await AppendAsync(stream, ExpectedVersion.Exactly(1), Event())).StreamVersion.ShouldBe(2);
    }

    [Fact]
    public async Task ReadingAStreamCanStopAtAVersionRangeOrAtAnInstant()
    {
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream, Event(), Event());
        var firstTwo = await Store.ReadStreamAsync(stream);
        await Task.Delay(20);
        await AppendAsync(stream, ExpectedVersion.Exactly(2), Event());

        (await Store.ReadStreamAsync(stream, fromVersion: 2, toVersion: 2)).Single().Version.ShouldBe(2);
        var asOf = await Store.ReadStreamAsync(stream, recordedAtOrBefore: firstTwo[^1].RecordedAt);
        asOf.Select(e => e.Version).ShouldBe([1L, 2L]);
        (await Store.ReadStreamAsync(stream, recordedAtOrBefore: firstTwo[0].RecordedAt - Duration.FromSeconds(1))).ShouldBeEmpty();
        (await Store.ReadStreamAsync(stream)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task AStreamKeepsItsType()
    {
        var stream = NewStreamId();
        await AppendAsync(stream, ExpectedVersion.NoStream, Event());

        var error = await Should.ThrowAsync<EventStoreValidationException>(() => Store.AppendAsync(
            new AppendRequest(stream, "typical_case_selection", ExpectedVersion.Any, [Event()], Metadata())));
        error.Field.ShouldBe("streamType");
        error.Message.ShouldContain("which is of type case");
    }
}
