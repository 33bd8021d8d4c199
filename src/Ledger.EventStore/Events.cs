using System.Text.Json;
using NodaTime;

namespace Ledger.EventStore;

/// <summary>An event to append. <paramref name="EventId"/> makes retries idempotent; <paramref name="Data"/> is an
/// instance of one of the store's <see cref="EventTypes"/>, stored as a JSON object under that type's versioned name.</summary>
public sealed record NewEvent(Guid EventId, object Data);

/// <summary>One append: events for one stream, the version the writer expects, and the metadata every event
/// carries (a JSON object with at least <c>actor</c>; usually built with <see cref="EventMetadata"/>).
/// <paramref name="RecordedInSource"/> is for imports only: the instant the system of record the events come from
/// recorded them. It becomes their <c>recorded_at</c> (never in the future, never before the stream's last event);
/// the metadata must then name the source (<c>source</c>), and the database adds <c>imported_at</c>.</summary>
public sealed record AppendRequest(
    string StreamId, string StreamType, ExpectedVersion Expected, IReadOnlyList<NewEvent> Events, JsonElement Metadata,
    Instant? RecordedInSource = null);

/// <summary>The outcome of an append. <see cref="AlreadyRecorded"/> is true when the events were found from an
/// earlier attempt (an idempotent retry): the result is the original one and nothing new was written.</summary>
public sealed record AppendResult(
    long StreamVersion, long? FirstPosition, long? LastPosition, Instant? RecordedAt, bool AlreadyRecorded);

/// <summary>Who did it and why, as stored with each event: the audit trail's "user" (等保2.0 asks for time,
/// user, event type and outcome).</summary>
/// <remarks><see cref="Source"/> names the system of record an imported event comes from (a file, an old case system).</remarks>
public sealed record EventMetadata(
    string Actor, Guid CorrelationId, Guid? CausationId = null, string? Command = null, string? IdempotencyKey = null, string? Source = null,
    string? CommandSha256 = null)
{
    public JsonElement ToJson()
    {
        var fields = new Dictionary<string, object?>
        {
            ["actor"] = Actor,
            ["correlation_id"] = CorrelationId,
        };
        if (CausationId is { } causation) fields["causation_id"] = causation;
        if (Command is not null) fields["command"] = Command;
        if (IdempotencyKey is not null) fields["idempotency_key"] = IdempotencyKey;
        if (Source is not null) fields["source"] = Source;
        if (CommandSha256 is not null) fields["command_sha256"] = CommandSha256;
        return JsonSerializer.SerializeToElement(fields);
    }
}

/// <summary>An event as stored. <see cref="Data"/> and <see cref="Metadata"/> are the jsonb text PostgreSQL
/// returns, exactly the text the hash chain covers.</summary>
public sealed record RecordedEvent(
    long Position,
    Guid EventId,
    string StreamId,
    long Version,
    string Type,
    string Data,
    string Metadata,
    Instant RecordedAt,
    ulong TransactionId,
    byte[] PreviousHash,
    byte[] Hash)
{
    public GlobalCheckpoint Checkpoint => new(TransactionId, Position);
}

/// <summary>A stream's head: its type, version and the hash at the tip of its chain.</summary>
public sealed record StreamHead(string StreamId, string StreamType, long Version, byte[] HeadHash, Instant CreatedAt, Instant UpdatedAt);

/// <summary>A place in the commit-ordered log of all events: (transaction id, position). Events are read
/// strictly after it; <see cref="Start"/> is before everything.</summary>
public readonly record struct GlobalCheckpoint(ulong TransactionId, long Position)
{
    public static GlobalCheckpoint Start { get; } = new(0, 0);

    public override string ToString() => $"{TransactionId}:{Position}";
}

/// <summary>A page of the commit-ordered log and the checkpoint to resume after it.</summary>
public sealed record AllEventsPage(IReadOnlyList<RecordedEvent> Events, GlobalCheckpoint Next);
