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
        { "missing data", "events[0].data" },
        { "array data", "events[0].data" },
        { "unversioned type", "events[0].type" },
        { "CLR type name", "events[0].type" },
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
            "null data" => good with { Events = [Event() with { Data = JsonDocument.Parse("null").RootElement }] },
            "missing data" => good with { Events = [Event() with { Data = default }] },
            "array data" => good with { Events = [Event() with { Data = JsonDocument.Parse("[1]").RootElement }] },
            "unversioned type" => good with { Events = [Event("case_filed")] },
            "CLR type name" => good with { Events = [Event("Ledger.Domain.CaseFiled, Ledger.Domain")] },
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
        var error = await Should.ThrowAsync<Npgsql.PostgresException>(async () =>
        {
            await using var command = Db.App.CreateCommand(
                "select * from ledger.append_events('s', 'case', -7, array[gen_random_uuid()], array['x.v1'], array['{}'::jsonb], '{\"actor\":\"a\"}'::jsonb)");
            await command.ExecuteNonQueryAsync();
        });
        error.MessageText.ShouldContain("expected_version -7 is not valid");
        (await Db.CountEventsAsync()).ShouldBe(0);
    }
}
