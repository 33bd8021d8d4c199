using System.Text.Json;
using Shouldly;

namespace Ledger.EventStore.Tests;

public abstract partial class EventStoreContract
{
    public static TheoryData<string, string> BadRequests => new()
    {
        { "empty stream id", "streamId" },
        { "over-long stream id", "streamId" },
        { "control character in stream id", "streamId" },
        { "bad stream type", "streamType" },
        { "null data", "events[0].data" },
        { "unregistered type", "events[0].type" },
        { "array data", "events[0].type" },
        { "empty event id", "events[0].eventId" },
        { "duplicate event id", "events[1].eventId" },
        { "metadata array", "metadata" },
        { "metadata string", "metadata" },
        { "metadata without actor", "metadata.actor" },
        { "null events", "events" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInputIsRefusedNamingTheFieldAndNothingIsWritten(string what, string field)
    {
        var good = new AppendRequest(NewStreamId(), "case", ExpectedVersion.Any, [Event()], Metadata());
        var duplicate = Event();
        var request = what switch
        {
            "empty stream id" => good with { StreamId = "" },
            "over-long stream id" => good with { StreamId = new string('x', 201) },
            "control character in stream id" => good with { StreamId = "case-1\n2" },
            "bad stream type" => good with { StreamType = "Case Kind" },
            "null data" => good with { Events = [Event() with { Data = null! }] },
            "unregistered type" => good with { Events = [Event(new TestEvents.NotRegistered(1))] },
            "array data" => good with { Events = [Event(new[] { 1 })] },
            "empty event id" => good with { Events = [Event() with { EventId = Guid.Empty }] },
            "duplicate event id" => good with { Events = [duplicate, duplicate] },
            "metadata array" => good with { Metadata = JsonDocument.Parse("[]").RootElement },
            "metadata string" => good with { Metadata = JsonDocument.Parse("\"officer\"").RootElement },
            "metadata without actor" => good with { Metadata = JsonDocument.Parse("{\"correlation_id\":\"x\"}").RootElement },
            "null events" => good with { Events = null! },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var error = await Should.ThrowAsync<EventStoreValidationException>(() => Store.AppendAsync(request));

        error.Field.ShouldBe(field);
        error.Message.ShouldStartWith(field + ": ");
        (await Db.CountEventsAsync()).ShouldBe(0);
    }

    // An event type's stored name is checked once, when the store's types are registered: a store cannot hold a type
    // whose name the database would refuse.
    [Theory]
    [InlineData("case_filed")]
    [InlineData("Ledger.Domain.CaseFiled, Ledger.Domain")]
    [InlineData("Case_Filed.v1")]
    [InlineData("case_filed.v0")]
    public void AnEventTypeWithoutAVersionedLowerCaseNameCannotBeRegistered(string name)
    {
        var error = Should.Throw<EventStoreValidationException>(() => new EventTypes([new(typeof(TestEvents.NotRegistered), name)]));
        error.Field.ShouldBe("type");
        error.Message.ShouldContain("versioned name");
    }

    [Fact]
    public void OneStoredNameNamesOneTypeAndOneTypeHasOneName()
    {
        Should.Throw<EventStoreValidationException>(() => new EventTypes([
            new(typeof(TestEvents.NotRegistered), "not_registered.v1"), new(typeof(TestEvents.ThingHappened), "not_registered.v1")]))
            .Message.ShouldContain("names both");
        Should.Throw<EventStoreValidationException>(() => new EventTypes([
            new(typeof(TestEvents.NotRegistered), "not_registered.v1"), new(typeof(TestEvents.NotRegistered), "not_registered.v2")]))
            .Message.ShouldContain("registered twice");
    }

    [Theory]
    [InlineData("banana")]
    [InlineData("-3")]
    [InlineData("")]
    [InlineData(null)]
    public void UnknownExpectedVersionValuesAreRefusedNamingTheField(string? text)
    {
        var error = Should.Throw<EventStoreValidationException>(() => ExpectedVersion.Parse(text));
        error.Field.ShouldBe("expectedVersion");
    }

    [Fact]
    public void ExpectedVersionsParseFromTheirTextForms()
    {
        ExpectedVersion.Parse("any").ShouldBe(ExpectedVersion.Any);
        ExpectedVersion.Parse("no-stream").ShouldBe(ExpectedVersion.NoStream);
        ExpectedVersion.Parse("42").ShouldBe(ExpectedVersion.Exactly(42));
        Should.Throw<EventStoreValidationException>(() => ExpectedVersion.Exactly(-2)).Field.ShouldBe("expectedVersion");
    }

    [Fact]
    public async Task TheDatabaseRefusesAnUnknownExpectedVersionEvenWithoutTheClient()
    {
        // Marten's append function, called directly with a version no stream can be at.
        var error = await Should.ThrowAsync<Npgsql.PostgresException>(async () =>
        {
            await using var command = Db.App.CreateCommand(
                "select ledger.mt_quick_append_events('s', 'case', '*DEFAULT*', array[gen_random_uuid()], array['x.v1'], array[null]::varchar[], " +
                "array['{}'::jsonb], array[null]::bytea[], array['{\"actor\":\"a\"}'::jsonb], -7)");
            await command.ExecuteNonQueryAsync();
        });
        error.SqlState.ShouldBe("MT003");
        error.MessageText.ShouldContain("expected -7, actual 0");
        (await Db.CountEventsAsync()).ShouldBe(0);
    }
}
