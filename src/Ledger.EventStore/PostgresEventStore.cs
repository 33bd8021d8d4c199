using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace Ledger.EventStore;

/// <summary>
/// The event store on PostgreSQL. Generic: it knows streams and events, nothing of cases.
/// All SQL objects it uses are created by migrations/0001_event_store.sql.
/// </summary>
public sealed partial class PostgresEventStore(NpgsqlDataSource dataSource)
{
    public const int MaxStreamIdLength = 200;
    public const int MaxEventsPerAppend = 10_000;

    // The text form of the xid8 gets its own name: an output column called transaction_id would take over
    // "order by transaction_id" and sort "1000" before "916".
    /// <summary>The columns <see cref="ReadRecordedEvent"/> reads, in its order: for callers that join events with
    /// tables of their own (the verifiable log).</summary>
    public const string EventColumns =
        "position, event_id, stream_id, version, event_type, data::text, metadata::text, recorded_at, " +
        "transaction_id::text as transaction_id_text, previous_hash, hash";

    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>Appends in one round trip on a connection of the store's own.</summary>
    public async Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken ct = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        return await AppendAsync(request, connection, null, ct);
    }

    /// <summary>Appends inside the caller's transaction, so read models can be updated atomically with the events.</summary>
    public async Task<AppendResult> AppendAsync(
        AppendRequest request, NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct = default)
    {
        Validate(request);
        await using var command = IsFirstEventOfNewStream(request)
            ? FirstEventCommand(request, connection, transaction)
            : AppendCommand(request, connection, transaction);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return new AppendResult(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetInt64(2),
                reader.IsDBNull(3) ? null : Instant.FromDateTimeUtc(reader.GetDateTime(3)),
                reader.GetBoolean(4));
        }
        catch (PostgresException e) when (e.SqlState == "LE001")
        {
            var match = ConflictMessage().Match(e.MessageText);
            var actual = match.Success ? long.Parse(match.Groups["actual"].Value, CultureInfo.InvariantCulture) : -1;
            throw new ConcurrencyException(request.StreamId, request.Expected, actual);
        }
        catch (PostgresException e) when (e.SqlState == "LE002")
        {
            throw new EventIdReusedException(e.MessageText, e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation
                                          && e.ConstraintName == "events_event_id_unique")
        {
            // Two different appends carrying the same event id raced; the other one committed first.
            throw new EventIdReusedException(
                "event id reused: another append recorded one of these event ids concurrently; an event id names exactly one event", e);
        }
        catch (PostgresException e) when (e.SqlState == "LE004")
        {
            throw new EventStoreValidationException("recordedInSource", e.MessageText);
        }
        catch (PostgresException e) when (e.SqlState == "22023")
        {
            // Only reachable for a stream type that differs from the existing stream's: the rest is validated above.
            throw new EventStoreValidationException("streamType", e.MessageText);
        }
    }

    /// <summary>A new stream with one event written natively (not imported): migration 0009's single-statement path.
    /// It answers exactly as ledger.append_events does, to which it hands every call whose stream already exists.</summary>
    private static bool IsFirstEventOfNewStream(AppendRequest request) =>
        request.Events.Count == 1 && request.Expected == ExpectedVersion.NoStream && request.RecordedInSource is null;

    private static NpgsqlCommand FirstEventCommand(AppendRequest request, NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        var e = request.Events[0];
        var command = new NpgsqlCommand(
            "select stream_version, first_position, last_position, recorded_at, already_recorded " +
            "from ledger.append_first_event($1, $2, $3, $4, $5, $6)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.StreamId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.StreamType });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.EventId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = e.Data.GetRawText() });
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = request.Metadata.GetRawText() });
        return command;
    }

    private static NpgsqlCommand AppendCommand(AppendRequest request, NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        var events = request.Events;
        var command = new NpgsqlCommand(
            "select stream_version, first_position, last_position, recorded_at, already_recorded " +
            "from ledger.append_events($1, $2, $3, $4, $5, $6, $7, $8)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.StreamId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.StreamType });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = request.Expected.Value });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.EventId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]>
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            TypedValue = events.Select(e => e.Data.GetRawText()).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter<string>
        {
            NpgsqlDbType = NpgsqlDbType.Jsonb,
            TypedValue = request.Metadata.GetRawText(),
        });
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.TimestampTz,
            Value = request.RecordedInSource is { } source ? source.ToDateTimeUtc() : DBNull.Value,
        });
        return command;
    }

    [GeneratedRegex(@"is at version (?<actual>\d+), expected -?\d+$")]
    private static partial Regex ConflictMessage();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[1-9][0-9]*$")]
    private static partial Regex EventTypeShape();

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex StreamTypeShape();

    /// <summary>Every rule the database also enforces, checked first so the caller gets the field's name.</summary>
    public static void Validate(AppendRequest? request)
    {
        if (request is null) throw new EventStoreValidationException("request", "must not be null");
        ValidateStreamId(request.StreamId);
        if (request.StreamType is null || !StreamTypeShape().IsMatch(request.StreamType))
            throw new EventStoreValidationException("streamType",
                $"must be lower-case letters, digits and underscores, starting with a letter, at most 63 characters; got '{request.StreamType}'");
        if (request.Expected.Value < -1)
            throw new EventStoreValidationException("expectedVersion", $"must be 'any', 'no-stream' or a version ≥ 0; got {request.Expected.Value}");
        if (request.Events is null) throw new EventStoreValidationException("events", "must not be null (pass an empty list to check the version only)");
        if (request.Events.Count > MaxEventsPerAppend)
            throw new EventStoreValidationException("events", $"at most {MaxEventsPerAppend} events per append; got {request.Events.Count}");
        var ids = new HashSet<Guid>();
        for (var i = 0; i < request.Events.Count; i++)
        {
            var e = request.Events[i];
            var field = $"events[{i}]";
            if (e is null) throw new EventStoreValidationException(field, "must not be null");
            if (e.EventId == Guid.Empty) throw new EventStoreValidationException($"{field}.eventId", "must not be the empty uuid");
            if (!ids.Add(e.EventId)) throw new EventStoreValidationException($"{field}.eventId", $"{e.EventId} appears twice in one append; event ids are unique");
            if (e.Type is null || e.Type.Length > 100 || !EventTypeShape().IsMatch(e.Type))
                throw new EventStoreValidationException($"{field}.type",
                    $"must be an explicit versioned name such as 'case_filed.v1' (lower case, dot-separated, ending .vN, at most 100 characters); got '{e.Type}'");
            if (e.Data.ValueKind != JsonValueKind.Object)
                throw new EventStoreValidationException($"{field}.data", $"must be a JSON object; got {Describe(e.Data.ValueKind)}");
        }
        if (request.Metadata.ValueKind != JsonValueKind.Object)
            throw new EventStoreValidationException("metadata", $"must be a JSON object; got {Describe(request.Metadata.ValueKind)}");
        if (!request.Metadata.TryGetProperty("actor", out var actor) || actor.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(actor.GetString()))
            throw new EventStoreValidationException("metadata.actor", "is required: every event records who recorded it");
        if (request.Metadata.TryGetProperty("imported_at", out _))
            throw new EventStoreValidationException("metadata.imported_at", "is stamped by the ledger on import, never supplied by the writer");
        if (request.RecordedInSource is not null && (!request.Metadata.TryGetProperty("source", out var source)
            || source.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(source.GetString())))
            throw new EventStoreValidationException("metadata.source", "is required with recordedInSource: an import names the system of record it comes from");
    }

    private static void ValidateStreamId(string? streamId)
    {
        if (string.IsNullOrEmpty(streamId)) throw new EventStoreValidationException("streamId", "must not be empty");
        if (streamId.Length > MaxStreamIdLength)
            throw new EventStoreValidationException("streamId", $"must be at most {MaxStreamIdLength} characters; got {streamId.Length}");
        if (streamId.Any(char.IsControl)) throw new EventStoreValidationException("streamId", "must not contain control characters");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Undefined => "nothing (default JsonElement)",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The stream's head, or null if it has no events.</summary>
    public async Task<StreamHead?> GetStreamAsync(string streamId, CancellationToken ct = default)
    {
        ValidateStreamId(streamId);
        await using var command = DataSource.CreateCommand(
            "select stream_id, stream_type, version, head_hash, created_at, updated_at from ledger.streams where stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new StreamHead(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (byte[])reader[3],
            Instant.FromDateTimeUtc(reader.GetDateTime(4)), Instant.FromDateTimeUtc(reader.GetDateTime(5)));
    }

    /// <summary>The ids among <paramref name="streamIds"/> that name existing streams (one round trip, for batch work such as imports).</summary>
    public async Task<IReadOnlySet<string>> ExistingStreamsAsync(IReadOnlyCollection<string> streamIds, CancellationToken ct = default)
    {
        foreach (var id in streamIds) ValidateStreamId(id);
        await using var command = DataSource.CreateCommand("select stream_id from ledger.streams where stream_id = any($1)");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. streamIds] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) existing.Add(reader.GetString(0));
        return existing;
    }

    /// <summary>Reads a stream in version order, optionally only versions within [from, to] and only what had
    /// been recorded at <paramref name="recordedAtOrBefore"/> (time travel: the stream as the ledger knew it then).</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        string streamId, long fromVersion = 1, long toVersion = long.MaxValue, Instant? recordedAtOrBefore = null,
        CancellationToken ct = default)
    {
        ValidateStreamId(streamId);
        if (fromVersion < 1) throw new EventStoreValidationException("fromVersion", $"must be ≥ 1; got {fromVersion}");
        if (toVersion < fromVersion)
            throw new EventStoreValidationException("toVersion", $"must be ≥ fromVersion ({fromVersion}); got {toVersion}");
        await using var command = DataSource.CreateCommand(
            $"select {EventColumns} from ledger.events where stream_id = $1 and version between $2 and $3 " +
            "and ($4::timestamptz is null or recorded_at <= $4) order by version");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromVersion });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toVersion });
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.TimestampTz,
            Value = recordedAtOrBefore is { } at ? at.ToDateTimeUtc() : DBNull.Value,
        });
        return await ReadEventsAsync(command, ct);
    }

    /// <summary>
    /// Reads the first versions of many streams in one round trip: for each (stream, up to version) pair the events
    /// 1..version, grouped by stream in version order. How a projection restores the state of streams it has not
    /// seen since it started.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<RecordedEvent>>> ReadStreamPrefixesAsync(
        IReadOnlyCollection<(string StreamId, long ToVersion)> prefixes, CancellationToken ct = default)
    {
        var result = new Dictionary<string, IReadOnlyList<RecordedEvent>>(StringComparer.Ordinal);
        if (prefixes.Count == 0) return result;
        foreach (var (streamId, _) in prefixes) ValidateStreamId(streamId);
        await using var command = DataSource.CreateCommand(
            $"select {EventColumns} from ledger.events " +
            "join unnest($1::text[], $2::bigint[]) as wanted(wanted_stream, to_version) " +
            "on stream_id = wanted_stream and version <= to_version order by stream_id, version");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. prefixes.Select(p => p.StreamId)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. prefixes.Select(p => p.ToVersion)] });
        foreach (var group in (await ReadEventsAsync(command, ct)).GroupBy(e => e.StreamId, StringComparer.Ordinal))
            result[group.Key] = [.. group];
        return result;
    }

    /// <summary>The event with this id, or null: how a retried command finds what its first attempt recorded.</summary>
    public async Task<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($"select {EventColumns} from ledger.events where event_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        var events = await ReadEventsAsync(command, ct);
        return events.Count == 0 ? null : events[0];
    }

    /// <summary>The condition of commit-order reading, with the checkpoint as $1 (transaction id as text) and $2
    /// (position): events after the checkpoint whose transaction is older than every running one. Order by
    /// (transaction_id, position).</summary>
    public const string CommitOrderAfter =
        "(transaction_id, position) > ($1::text::xid8, $2) and transaction_id < pg_snapshot_xmin(pg_current_snapshot())";

    /// <summary>
    /// Reads all events in commit order after <paramref name="after"/>. Only events of transactions older than
    /// every transaction still running are returned, so an event whose transaction commits late (holding a low
    /// position) is returned after it commits, never skipped, and never returned twice.
    /// </summary>
    public async Task<AllEventsPage> ReadAllAsync(GlobalCheckpoint after, int maxCount, CancellationToken ct = default)
    {
        if (maxCount is < 1 or > 100_000) throw new EventStoreValidationException("maxCount", $"must be between 1 and 100000; got {maxCount}");
        await using var command = DataSource.CreateCommand(
            $"select {EventColumns} from ledger.events " +
            $"where {CommitOrderAfter} order by transaction_id, position limit $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after.TransactionId.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Position });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        var events = await ReadEventsAsync(command, ct);
        return new AllEventsPage(events, events.Count > 0 ? events[^1].Checkpoint : after);
    }

    private static async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) events.Add(ReadRecordedEvent(reader));
        return events;
    }

    /// <summary>An event from a row of <see cref="EventColumns"/> starting at column <paramref name="first"/>.</summary>
    public static RecordedEvent ReadRecordedEvent(NpgsqlDataReader reader, int first = 0) =>
        new(
            reader.GetInt64(first),
            reader.GetGuid(first + 1),
            reader.GetString(first + 2),
            reader.GetInt64(first + 3),
            reader.GetString(first + 4),
            reader.GetString(first + 5),
            reader.GetString(first + 6),
            Instant.FromDateTimeUtc(reader.GetDateTime(first + 7)),
            ulong.Parse(reader.GetString(first + 8), CultureInfo.InvariantCulture),
            (byte[])reader[first + 9],
            (byte[])reader[first + 10]);
}
