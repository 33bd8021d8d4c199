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
