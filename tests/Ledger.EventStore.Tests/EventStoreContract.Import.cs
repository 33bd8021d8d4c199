using System.Text.Json;
using NodaTime;
using Shouldly;

namespace Ledger.EventStore.Tests;

/// <summary>Imports: events carrying the instant their system of record recorded them (migrations/0004).</summary>
public abstract partial class EventStoreContract
{
    private static readonly Instant In2020 = Instant.FromUtc(2020, 6, 3, 1, 30);

    private static JsonElement ImportMetadata(string source = "old-case-system") =>
        new EventMetadata("importer", Guid.NewGuid(), Source: source).ToJson();

    [Fact]
    public async Task AnImportedEventKeepsItsSourceInstantAndTheLedgerStampsWhenItArrived()
    {
        var stream = NewStreamId();
        var before = SystemClock.Instance.GetCurrentInstant();
        var metadata = ImportMetadata();

        await Store.AppendAsync(new AppendRequest(stream, "case", ExpectedVersion.NoStream, [Event()], metadata, In2020));
        await Store.AppendAsync(new AppendRequest(stream, "case", ExpectedVersion.Exactly(1), [Event()], metadata, In2020 + Duration.FromDays(2)));

        var events = await Store.ReadStreamAsync(stream);
        events.Select(e => e.RecordedAt).ShouldBe([In2020, In2020 + Duration.FromDays(2)]);
        var stamped = JsonDocument.Parse(events[0].Metadata).RootElement;
        stamped.GetProperty("source").GetString().ShouldBe("old-case-system");
        var importedAt = Instant.FromDateTimeOffset(DateTimeOffset.Parse(stamped.GetProperty("imported_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        (importedAt - before).ShouldBeGreaterThan(Duration.FromSeconds(-5));
        (importedAt - before).ShouldBeLessThan(Duration.FromMinutes(1));
        // Time travel sees the source instants; the chain covers them and the stamp.
        (await Store.ReadStreamAsync(stream, recordedAtOrBefore: In2020 + Duration.FromDays(1))).Count.ShouldBe(1);
        EventHashChain.Verify(await Store.GetStreamAsync(stream), events).ShouldBeEmpty();
    }

    [Fact]
    public async Task ARetriedImportFindsItsFirstAttemptAndWritesNothing()
    {
        var stream = NewStreamId();
        var request = new AppendRequest(stream, "case", ExpectedVersion.NoStream, [Event(), Event()], ImportMetadata(), In2020);
        var first = await Store.AppendAsync(request);

        var retry = await Store.AppendAsync(request);

        retry.AlreadyRecorded.ShouldBeTrue();
        retry.FirstPosition.ShouldBe(first.FirstPosition);
        (await Store.ReadStreamAsync(stream)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task AnImportIsRefusedInTheFutureBeforeTheStreamsLastEventOrWithoutASourceAndWritesNothing()
    {
        var stream = NewStreamId();
        await Store.AppendAsync(new AppendRequest(stream, "case", ExpectedVersion.NoStream, [Event()], ImportMetadata(), In2020));

        var future = await Should.ThrowAsync<EventStoreValidationException>(() => Store.AppendAsync(new AppendRequest(
            NewStreamId(), "case", ExpectedVersion.NoStream, [Event()], ImportMetadata(), SystemClock.Instance.GetCurrentInstant() + Duration.FromHours(1))));
        future.Field.ShouldBe("recordedInSource");
        future.Message.ShouldContain("later than the ledger's clock");

        var earlier = await Should.ThrowAsync<EventStoreValidationException>(() => Store.AppendAsync(new AppendRequest(
            stream, "case", ExpectedVersion.Exactly(1), [Event()], ImportMetadata(), In2020 - Duration.FromDays(1))));
        earlier.Field.ShouldBe("recordedInSource");
        earlier.Message.ShouldContain("earlier than the last event");

        var unnamed = Should.Throw<EventStoreValidationException>(() => Store.Validate(new AppendRequest(
            stream, "case", ExpectedVersion.Exactly(1), [Event()], new EventMetadata("importer", Guid.NewGuid()).ToJson(), In2020)));
        unnamed.Field.ShouldBe("metadata.source");

        var forged = Should.Throw<EventStoreValidationException>(() => Store.Validate(new AppendRequest(
            stream, "case", ExpectedVersion.Exactly(1), [Event()],
            JsonSerializer.SerializeToElement(new { actor = "a", source = "s", imported_at = "2020-01-01T00:00:00Z" }), In2020)));
        forged.Field.ShouldBe("metadata.imported_at");

        (await Store.ReadStreamAsync(stream)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ANativeAppendAfterAnImportIsStampedByTheServerClock()
    {
        var stream = NewStreamId();
        await Store.AppendAsync(new AppendRequest(stream, "case", ExpectedVersion.NoStream, [Event()], ImportMetadata(), In2020));
        var before = SystemClock.Instance.GetCurrentInstant();

        await AppendAsync(stream, ExpectedVersion.Exactly(1), Event());

        var events = await Store.ReadStreamAsync(stream);
        (events[1].RecordedAt - before).ShouldBeGreaterThan(Duration.FromSeconds(-5));
        JsonDocument.Parse(events[1].Metadata).RootElement.TryGetProperty("imported_at", out _).ShouldBeFalse();
    }
}

/// <summary>A sequence of appends to one stream in one round trip (how an import writes a case).</summary>
public abstract partial class EventStoreContract
{
    private AppendRequest Step(string stream, long expected, Instant? at, params NewEvent[] events) =>
        new(stream, "case", expected == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(expected), events, ImportMetadata(), at);

    [Fact]
    public async Task ASequenceOfAppendsIsWrittenTogetherEachWithItsOwnMetadataAndInstant()
    {
        var stream = NewStreamId();
        var steps = new[]
        {
            Step(stream, 0, In2020, Event(), Event()),
            Step(stream, 2, In2020 + Duration.FromDays(1), Event()),
            new AppendRequest(stream, "case", ExpectedVersion.Exactly(3), [Event()], Metadata("officer-009")),
        };

        var results = await Store.AppendSequenceAsync(steps, null, null);

        results.Select(r => r.StreamVersion).ShouldBe([2L, 3L, 4L]);
        results[1].FirstPosition.ShouldBe(results[0].LastPosition + 1);
        var events = await Store.ReadStreamAsync(stream);
        events.Select(e => e.RecordedAt).Take(3).ShouldBe([In2020, In2020, In2020 + Duration.FromDays(1)]);
        results[1].RecordedAt.ShouldBe(In2020 + Duration.FromDays(1));
        JsonDocument.Parse(events[3].Metadata).RootElement.GetProperty("actor").GetString().ShouldBe("officer-009");
        JsonDocument.Parse(events[3].Metadata).RootElement.TryGetProperty("imported_at", out _).ShouldBeFalse();
        (events[3].RecordedAt - SystemClock.Instance.GetCurrentInstant()).ShouldBeLessThan(Duration.FromMinutes(1));
        EventHashChain.Verify(await Store.GetStreamAsync(stream), events).ShouldBeEmpty();
    }

    [Fact]
    public async Task ASequenceIsAllOrNothingAndItsVersionsMustFollowOnFromOneAnother()
    {
        var stream = NewStreamId();
        // The second step slips in before the first: refused, and the first is not written either.
        var refused = await Should.ThrowAsync<EventStoreValidationException>(() => Store.AppendSequenceAsync(
            [Step(stream, 0, In2020, Event()), Step(stream, 1, In2020 - Duration.FromDays(1), Event())], null, null));
        refused.Field.ShouldBe("recordedInSource");
        (await Db.CountEventsAsync()).ShouldBe(0);

        var gap = await Should.ThrowAsync<EventStoreValidationException>(() => Store.AppendSequenceAsync(
            [Step(stream, 0, In2020, Event()), Step(stream, 2, In2020, Event())], null, null));
        gap.Field.ShouldBe("requests[1].expectedVersion");
        var any = await Should.ThrowAsync<EventStoreValidationException>(() => Store.AppendSequenceAsync(
            [new AppendRequest(stream, "case", ExpectedVersion.Any, [Event()], Metadata())], null, null));
        any.Field.ShouldBe("requests[0].expectedVersion");
        var other = await Should.ThrowAsync<EventStoreValidationException>(() => Store.AppendSequenceAsync(
            [Step(stream, 0, In2020, Event()), Step(NewStreamId(), 1, In2020, Event())], null, null));
        other.Field.ShouldBe("requests[1].streamId");

        await AppendAsync(stream, ExpectedVersion.NoStream, Event());
        var stale = await Should.ThrowAsync<ConcurrencyException>(() => Store.AppendSequenceAsync([Step(stream, 0, In2020, Event())], null, null));
        stale.ActualVersion.ShouldBe(1);
        (await Db.CountEventsAsync()).ShouldBe(1);
    }
}
