using NodaTime;
using Shouldly;

namespace Ledger.EventStore.Tests;

/// <summary>Bulk imports: many streams in one transaction through one Marten session (ImportAsync, migrations/0012).</summary>
public abstract partial class EventStoreContract
{
    private AppendRequest ImportOf(string stream, long expected, Instant recordedInSource, int events = 1, string streamType = "case") =>
        new(stream, streamType, expected == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(expected),
            [.. Enumerable.Range(0, events).Select(_ => Event())], ImportMetadata(), recordedInSource);

    [Fact]
    public async Task ABulkImportWritesManyStreamsInOneTransactionEachChainedTypedAndAtItsSourceInstants()
    {
        var (a, b) = (NewStreamId(), NewStreamId());
        var continued = NewStreamId();
        await Store.AppendAsync(ImportOf(continued, 0, In2020 - Duration.FromDays(10)));

        var written = await Store.ImportAsync([
            ImportOf(a, 0, In2020, events: 2),
            ImportOf(b, 0, In2020 + Duration.FromHours(1)),
            ImportOf(a, 2, In2020 + Duration.FromHours(2)),
            ImportOf(continued, 1, In2020 + Duration.FromHours(3), events: 3),
        ]);

        written.ShouldBe(7);
        var aEvents = await Store.ReadStreamAsync(a);
        aEvents.Select(e => e.Version).ShouldBe([1L, 2L, 3L]);
        aEvents.Select(e => e.RecordedAt).ShouldBe([In2020, In2020, In2020 + Duration.FromHours(2)]);
        (await Store.ReadStreamAsync(continued)).Select(e => e.RecordedAt).Distinct().Count().ShouldBe(2);
        foreach (var stream in new[] { a, b, continued })
        {
            var head = await Store.GetStreamAsync(stream);
            head.ShouldNotBeNull().StreamType.ShouldBe("case");
            EventHashChain.Verify(head, await Store.ReadStreamAsync(stream)).ShouldBeEmpty();
        }
        // One transaction: every imported event carries the same transaction id.
        var imported = (await Store.ReadAllAsync(GlobalCheckpoint.Start, 100)).Events.Where(e => e.StreamId != continued || e.Version > 1).ToList();
        imported.Count.ShouldBe(7);
        imported.Select(e => e.TransactionId).Distinct().Count().ShouldBe(1);
        imported.Select(e => e.Position).ShouldBeUnique();
    }

    [Fact]
    public async Task ABulkImportIsAllOrNothingAndNamesWhyItWasRefused()
    {
        var existing = NewStreamId();
        await Store.AppendAsync(ImportOf(existing, 0, In2020));
        var other = NewStreamId();
        await Store.AppendAsync(ImportOf(other, 0, In2020, streamType: "selection"));
        var fresh = NewStreamId();
        var taken = (await Store.ReadStreamAsync(existing))[0].EventId;

        var stale = await Should.ThrowAsync<EventStoreValidationException>(() => Store.ImportAsync(
            [ImportOf(fresh, 0, In2020), ImportOf(existing, 0, In2020 + Duration.FromHours(1))]));
        stale.Field.ShouldBe("expectedVersion");

        var wrongType = await Should.ThrowAsync<EventStoreValidationException>(() => Store.ImportAsync(
            [ImportOf(fresh, 0, In2020), ImportOf(other, 1, In2020 + Duration.FromHours(1))]));
        wrongType.Field.ShouldBe("streamType");
        wrongType.Message.ShouldContain("which is of type selection");

        var earlier = await Should.ThrowAsync<EventStoreValidationException>(() => Store.ImportAsync(
            [ImportOf(fresh, 0, In2020), ImportOf(existing, 1, In2020 - Duration.FromDays(1))]));
        earlier.Field.ShouldBe("recordedInSource");

        await Should.ThrowAsync<EventIdReusedException>(() => Store.ImportAsync(
            [ImportOf(fresh, 0, In2020), ImportOf(existing, 1, In2020 + Duration.FromHours(1)) with { Events = [new NewEvent(taken, new TestEvents.ThingHappened())] }]));

        (await Store.GetStreamAsync(fresh)).ShouldBeNull();
        (await Store.ReadStreamAsync(existing)).Count.ShouldBe(1);
        (await Store.ReadStreamAsync(other)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ABulkImportsAppendsToOneStreamMustFollowEachOtherAndNameTheirVersions()
    {
        var stream = NewStreamId();

        var gap = Should.Throw<EventStoreValidationException>(() => Store.ImportAsync(
            [ImportOf(stream, 0, In2020, events: 2), ImportOf(stream, 3, In2020)]).GetAwaiter().GetResult());
        gap.Field.ShouldBe("requests[1].expectedVersion");
        gap.Message.ShouldContain("must be exactly 2");

        var any = Should.Throw<EventStoreValidationException>(() => Store.ImportAsync(
            [ImportOf(stream, 0, In2020) with { Expected = ExpectedVersion.Any }]).GetAwaiter().GetResult());
        any.Field.ShouldBe("requests[0].expectedVersion");

        var empty = Should.Throw<EventStoreValidationException>(() => Store.ImportAsync([]).GetAwaiter().GetResult());
        empty.Field.ShouldBe("requests");

        (await Store.GetStreamAsync(stream)).ShouldBeNull();
    }
}
