using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.EventStore.Marten;
using Marten;
using Marten.Services;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using NodaTime.Text;

namespace Ledger.EventStore;

/// <summary>
/// The event store: Marten's, on PostgreSQL, with the ledger's guarantees on top. Generic: it knows streams and
/// events, nothing of cases. Every append goes through Marten (Quick mode, see <see cref="MartenConfiguration"/>);
/// the database stamps each event with the server's clock, its transaction id and its link in the stream's hash chain
/// (a trigger on Marten's mt_events, migrations/0010). Reads are plain SQL over the views ledger.events and
/// ledger.streams, which show Marten's tables under the ledger's column names.
/// </summary>
public sealed partial class LedgerEventStore : IAsyncDisposable
{
    public const int MaxStreamIdLength = 200;
    public const int MaxEventsPerAppend = 10_000;

    // An append expecting "any" version takes the stream's lock, so it loses only to a racing creator of the same new
    // stream; it then tries again on the stream that now exists. Bounded, so that nothing can loop for ever.
    private const int MaxAnyVersionAttempts = 10;

    // The text form of the xid8 gets its own name: an output column called transaction_id would take over
    // "order by transaction_id" and sort "1000" before "916".
    /// <summary>The columns <see cref="ReadRecordedEvent"/> reads, in its order: for callers that join events with
    /// tables of their own (the verifiable log).</summary>
    public const string EventColumns =
        "position, event_id, stream_id, version, event_type, data::text, metadata::text, recorded_at, " +
        "transaction_id::text as transaction_id_text, previous_hash, hash";

    private readonly DocumentStore _marten;

    /// <summary>The store on <paramref name="dataSource"/>, appending <paramref name="eventTypes"/> in the JSON of
    /// <paramref name="json"/>, with <paramref name="inlineProjections"/>: read models Marten writes in the transaction of
    /// every append that carries their events (the case view).</summary>
    public LedgerEventStore(NpgsqlDataSource dataSource, EventTypes eventTypes, JsonSerializerOptions json,
        IEnumerable<global::Marten.Events.Projections.IProjection>? inlineProjections = null)
    {
        DataSource = dataSource;
        EventTypes = eventTypes;
        _marten = MartenConfiguration.CreateStore(dataSource, eventTypes, json, inlineProjections);
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The event types this store appends, with their stored names.</summary>
    public EventTypes EventTypes { get; }

    /// <summary>Marten's store underneath, for what reads through Marten (projections).</summary>
    public IDocumentStore Marten => _marten;

    public ValueTask DisposeAsync()
    {
        _marten.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Appends in a transaction of its own.</summary>
    public Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken ct = default) =>
        AppendAsync(request, null, null, ct);

    /// <summary>
    /// Appends inside the caller's transaction (when one is given), so read models can be updated atomically with the
    /// events. A refused append leaves that transaction aborted, and so does an append found to be a retry of one that
    /// committed (its original result is returned, <see cref="AppendResult.AlreadyRecorded"/>): the database had to
    /// refuse it before the store could tell. The caller then writes nothing more in that transaction.
    /// </summary>
    public async Task<AppendResult> AppendAsync(
        AppendRequest request, NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken ct = default)
    {
        Validate(request);
        if (transaction is not null && transaction.Connection != connection)
            throw new ArgumentException("the transaction must belong to the connection given", nameof(transaction));
        if (request.Events.Count == 0) return await CheckVersionOnlyAsync(request, connection, transaction, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AppendThroughMartenAsync(request, transaction, ct);
            }
            catch (Exception e) when (AppendFailure.Of(e) is { } failure)
            {
                switch (failure.Kind)
                {
                    case AppendFailureKind.StreamType:
                        throw new EventStoreValidationException("streamType", failure.Message);
                    case AppendFailureKind.RecordedInSource:
                        throw new EventStoreValidationException("recordedInSource", failure.Message);
                    case AppendFailureKind.Metadata:
                        throw new EventStoreValidationException("metadata", failure.Message);
                }
                // A conflict, an existing stream or a taken event id: first, is this a retry of an append that
                // committed while its writer did not hear of it?
                switch (await FindRecordedAsync(request, ct))
                {
                    case RecordedAppend.Found found:
                        return found.Result;
                    case RecordedAppend.Differs differs:
                        throw new EventIdReusedException(differs.Message, e);
                }
                if (failure.Kind == AppendFailureKind.EventIdTaken)
                    // Two different appends carrying the same event id raced; the other one committed first.
                    throw new EventIdReusedException(
                        "event id reused: another append recorded one of these event ids concurrently; an event id names exactly one event", e);
                if (request.Expected.IsAny && transaction is null && attempt < MaxAnyVersionAttempts) continue;
                var head = await GetStreamAsync(request.StreamId, ct);
                if (head is not null && head.StreamType != request.StreamType)
                    throw new EventStoreValidationException("streamType",
                        $"stream_type {request.StreamType} does not match stream {request.StreamId}, which is of type {head.StreamType}");
                throw new ConcurrencyException(request.StreamId, request.Expected, head?.Version ?? 0);
            }
        }
    }

    private async Task<AppendResult> AppendThroughMartenAsync(AppendRequest request, NpgsqlTransaction? transaction, CancellationToken ct) =>
        (await AppendThroughMartenAsync([request], transaction, ct))[0];

    /// <summary>Consecutive appends to one stream in one Marten session, so one round trip: the first carries the
    /// expected version, each later one continues where the one before it ends.</summary>
    private async Task<IReadOnlyList<AppendResult>> AppendThroughMartenAsync(
        IReadOnlyList<AppendRequest> requests, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        var first = requests[0];
        var outcome = new AppendOutcomeOperation(first.StreamId, first.StreamType, [.. requests.SelectMany(r => r.Events).Select(e => e.EventId)]);
        var options = transaction is null ? new SessionOptions() : SessionOptions.ForTransaction(transaction);
        // Queued once Marten has queued the append itself, so it runs after it in the same round trip.
        options.Listeners.Add(new QueueAfterAppend(outcome));
        await using var session = _marten.LightweightSession(options);
        // "Any" takes the stream's row lock first (queued now, it runs before Marten's append), so concurrent writers
        // of one stream queue there instead of colliding on a version; only racing creators of a new stream can still
        // collide, and try again.
        if (first.Expected.IsAny) session.QueueOperation(new LockStreamOperation(first.StreamId));
        for (var r = 0; r < requests.Count; r++)
        {
            var request = requests[r];
            var data = request.Events.Select(e => e.Data).ToArray();
            var stream = (r, request.Expected) switch
            {
                (> 0, _) or (_, { IsAny: true }) => session.Events.Append(request.StreamId, data),
                (_, { Value: 0 }) => session.Events.StartStream(request.StreamId, data),
                // Marten's expected version is the one after the append; ours is the one before.
                (_, var exactly) => session.Events.Append(request.StreamId, exactly.Value + data.Length, data),
            };
            // A later append to the same stream joins the session's stream action: its events are the last ones.
            var headers = Headers(request);
            var added = stream.Events.Count - data.Length;
            for (var i = 0; i < data.Length; i++)
            {
                stream.Events[added + i].Id = request.Events[i].EventId;
                stream.Events[added + i].Headers = headers;
            }
        }
        await session.SaveChangesAsync(ct);
        return [.. requests.Select(r => outcome.ResultOf(r.Events))];
    }

    /// <summary>
    /// Appends a sequence of appends to one stream (an import's actions on one case, each with its own metadata and
    /// source instant) in one round trip, inside the caller's transaction when one is given. The first request carries
    /// the expected version (not "any"); each later one must expect exactly the version the one before it leaves. All
    /// or nothing: a refusal names no request (append them one by one to learn which).
    /// </summary>
    public async Task<IReadOnlyList<AppendResult>> AppendSequenceAsync(
        IReadOnlyList<AppendRequest> requests, NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken ct = default)
    {
        if (requests is null || requests.Count == 0) throw new EventStoreValidationException("requests", "a sequence holds at least one append");
        if (transaction is not null && transaction.Connection != connection)
            throw new ArgumentException("the transaction must belong to the connection given", nameof(transaction));
        var version = requests[0].Expected.Value;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            Validate(request);
            if (request.Events.Count == 0)
                throw new EventStoreValidationException($"requests[{i}].events", "an append of a sequence writes at least one event");
            if (request.StreamId != requests[0].StreamId || request.StreamType != requests[0].StreamType)
                throw new EventStoreValidationException($"requests[{i}].streamId", "every append of a sequence is to the first one's stream");
            if (request.Expected.IsAny || request.Expected.Value != version)
                throw new EventStoreValidationException($"requests[{i}].expectedVersion",
                    $"must be {(i == 0 ? "no-stream or an exact version" : $"exactly {version}, where the append before it ends")}; got {request.Expected}");
            version += request.Events.Count;
        }
        try
        {
            return await AppendThroughMartenAsync(requests, transaction, ct);
        }
        catch (Exception e) when (AppendFailure.Of(e) is { } failure)
        {
            throw RefusalOf(failure, e)
                  ?? new ConcurrencyException(requests[0].StreamId, requests[0].Expected, (await GetStreamAsync(requests[0].StreamId, ct))?.Version ?? 0);
        }
    }

    /// <summary>The refusal a failed batch of appends (a sequence, an import) answers with, when it is not about versions
    /// (null then): a field's rule, or an event id recorded already.</summary>
    private static EventStoreException? RefusalOf(AppendFailure failure, Exception e) => failure.Kind switch
    {
        AppendFailureKind.StreamType => new EventStoreValidationException("streamType", failure.Message),
        AppendFailureKind.RecordedInSource => new EventStoreValidationException("recordedInSource", failure.Message),
        AppendFailureKind.Metadata => new EventStoreValidationException("metadata", failure.Message),
        AppendFailureKind.EventIdTaken => new EventIdReusedException(
            "event id reused: one of these event ids is recorded already; an event id names exactly one event", e),
        _ => null,
    };

    /// <summary>The most appends one import sends in one Marten session (and so one transaction). The client's time per
    /// append grows with the session's size (Marten finds a stream the session holds by walking its list), so loaders
    /// send a few thousand at a time (<c>BulkLoader.AppendsPerImport</c>).</summary>
    public const int MaxAppendsPerImport = 100_000;

    /// <summary>
    /// Appends to many streams in one transaction and one Marten session — a bulk import (simulated cases for the
    /// benchmarks and tests, a migration of records kept elsewhere). Each request carries its own expected version,
    /// metadata and source instant, and goes through ledger.record_event like any append (the server's checks, clock
    /// and hash chain); a stream's requests must follow each other in version order, each expecting exactly the version
    /// the one before it leaves. All or nothing; a refusal names no request, and an import is not an idempotent retry
    /// (a second import of the same events is refused: their ids are taken). Returns the number of events written.
    /// </summary>
    public async Task<int> ImportAsync(IReadOnlyList<AppendRequest> requests, CancellationToken ct = default)
    {
        if (requests is null || requests.Count == 0) throw new EventStoreValidationException("requests", "an import holds at least one append");
        if (requests.Count > MaxAppendsPerImport)
            throw new EventStoreValidationException("requests", $"at most {MaxAppendsPerImport} appends per import; got {requests.Count}");
        var ends = new Dictionary<string, long>(StringComparer.Ordinal);
        var ids = new HashSet<Guid>();
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            Validate(request);
            if (request.Events.Count == 0)
                throw new EventStoreValidationException($"requests[{i}].events", "an append of an import writes at least one event");
            var continues = ends.TryGetValue(request.StreamId, out var end);
            if (continues && (request.Expected.IsAny || request.Expected.Value != end))
                throw new EventStoreValidationException($"requests[{i}].expectedVersion",
                    $"must be exactly {end}, where the import's previous append to stream {request.StreamId} ends; got {request.Expected}");
            if (!continues && request.Expected.IsAny)
                throw new EventStoreValidationException($"requests[{i}].expectedVersion", "an import names the version it expects: no-stream or an exact version");
            foreach (var e in request.Events)
                if (!ids.Add(e.EventId))
                    throw new EventStoreValidationException($"requests[{i}].events", $"event id {e.EventId} appears twice in one import; event ids are unique");
            ends[request.StreamId] = request.Expected.Value + request.Events.Count;
        }

        var options = new SessionOptions();
        foreach (var type in requests.GroupBy(r => r.StreamType, StringComparer.Ordinal))
            options.Listeners.Add(new QueueAfterAppend(new RecordStreamTypesOperation([.. type.Select(r => r.StreamId).Distinct(StringComparer.Ordinal)], type.Key)));
        await using var session = _marten.LightweightSession(options);
        // A plan cached while the tables were small keeps scanning them as this transaction fills them (no ANALYZE can
        // see its rows): the foreign-key check of every event row read mt_streams end to end, 8,595 times in the first
        // month of a simulated load. The ledger's own functions look up by index whatever the statistics say (migration
        // 0013); with seq scans off for this transaction only, so do the foreign-key check and Marten's stream look-up.
        // Every statement of an import is a point look-up or an insert. (Custom plans for the transaction, the earlier
        // remedy, re-planned every statement: 2,726 events/s against 4,171 at a million simulated events.)
        // Queued as an operation of ours, so it runs first (Marten sends what QueueSqlCommand holds after the events).
        session.QueueOperation(new StatementOperation("select set_config('enable_seqscan', 'off', true)"));
        var inSession = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var data = request.Events.Select(e => e.Data).ToArray();
            var stream = !inSession.Add(request.StreamId)
                ? session.Events.Append(request.StreamId, data)
                : request.Expected.Value == 0
                    ? session.Events.StartStream(request.StreamId, data)
                    : session.Events.Append(request.StreamId, request.Expected.Value + data.Length, data);
            var headers = Headers(request);
            var added = stream.Events.Count - data.Length;
            for (var i = 0; i < data.Length; i++)
            {
                stream.Events[added + i].Id = request.Events[i].EventId;
                stream.Events[added + i].Headers = headers;
            }
        }
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (AppendFailure.Of(e) is { } failure)
        {
            throw RefusalOf(failure, e)
                  ?? new EventStoreValidationException("expectedVersion", $"a stream of the import is not at the version its first append expects: {failure.Message}");
        }
        return requests.Sum(r => r.Events.Count);
    }

    /// <summary>The header ledger.record_event reads an import's source instant from (and removes: the instant becomes
    /// the event's recorded_at).</summary>
    private const string RecordedInSourceHeader = "recorded_in_source";

    /// <summary>The headers an append is stored with: its metadata, and the source's recording instant of an import
    /// (which <c>ledger.record_event</c> takes out). Public for loaders that write Marten's rows themselves.</summary>
    public static Dictionary<string, object> Headers(AppendRequest request)
    {
        var headers = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var property in request.Metadata.EnumerateObject()) headers[property.Name] = property.Value.Clone();
        if (request.RecordedInSource is { } source)
            headers[RecordedInSourceHeader] = InstantPattern.ExtendedIso.Format(source);
        return headers;
    }

    /// <summary>An append of no events writes nothing and takes no lock: it only checks the expected version.</summary>
    private async Task<AppendResult> CheckVersionOnlyAsync(
        AppendRequest request, NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        long version;
        if (connection is null)
        {
            version = (await GetStreamAsync(request.StreamId, ct))?.Version ?? 0;
        }
        else
        {
            await using var command = new NpgsqlCommand("select version from ledger.streams where stream_id = $1", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.StreamId });
            version = await command.ExecuteScalarAsync(ct) is long v ? v : 0;
        }
        if (!request.Expected.IsAny && request.Expected.Value != version)
            throw new ConcurrencyException(request.StreamId, request.Expected, version);
        return new AppendResult(version, null, null, null, AlreadyRecorded: false);
    }

    /// <summary>What the database holds under the request's event ids: nothing, exactly this append (a retry), or
    /// something else (a reused id).</summary>
    private async Task<RecordedAppend> FindRecordedAsync(AppendRequest request, CancellationToken ct)
    {
        var serializer = _marten.Options.Serializer();
        await using var command = DataSource.CreateCommand(
            "select recorded, mismatch, stream_version, first_position, last_position, recorded_at " +
            "from ledger.recorded_append($1, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.StreamId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. request.Events.Select(e => e.EventId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. request.Events.Select(e => EventTypes.NameOf(e.Data.GetType())!)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            TypedValue = [.. request.Events.Select(e => serializer.ToJson(e.Data))],
        });
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = request.Metadata.GetRawText() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (reader.GetInt32(0) == 0) return new RecordedAppend.Nothing();
        if (!reader.IsDBNull(1)) return new RecordedAppend.Differs(reader.GetString(1));
        return new RecordedAppend.Found(new AppendResult(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
            reader.GetFieldValue<Instant>(5), AlreadyRecorded: true));
    }

    private abstract record RecordedAppend
    {
        public sealed record Nothing : RecordedAppend;
        public sealed record Found(AppendResult Result) : RecordedAppend;
        public sealed record Differs(string Message) : RecordedAppend;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex StreamTypeShape();

    /// <summary>Every rule the database also enforces, checked first so the caller gets the field's name.</summary>
    public void Validate(AppendRequest? request)
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
            if (e.Data is null) throw new EventStoreValidationException($"{field}.data", "must not be null");
            if (EventTypes.NameOf(e.Data.GetType()) is null)
                throw new EventStoreValidationException($"{field}.type",
                    $"{e.Data.GetType().Name} is not an event type of this store; every event type is registered with its versioned name (case_filed.v1)");
        }
        if (request.Metadata.ValueKind != JsonValueKind.Object)
            throw new EventStoreValidationException("metadata", $"must be a JSON object; got {Describe(request.Metadata.ValueKind)}");
        if (!request.Metadata.TryGetProperty("actor", out var actor) || actor.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(actor.GetString()))
            throw new EventStoreValidationException("metadata.actor", "is required: every event records who recorded it");
        if (request.Metadata.TryGetProperty("imported_at", out _))
            throw new EventStoreValidationException("metadata.imported_at", "is stamped by the ledger on import, never supplied by the writer");
        if (request.Metadata.TryGetProperty(RecordedInSourceHeader, out _))
            throw new EventStoreValidationException($"metadata.{RecordedInSourceHeader}", "is how the store passes recordedInSource to the database, never supplied by the writer");
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
            reader.GetFieldValue<Instant>(4), reader.GetFieldValue<Instant>(5));
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
        command.Parameters.Add(new NpgsqlParameter<Instant?> { TypedValue = recordedAtOrBefore });
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
            reader.GetFieldValue<Instant>(first + 7),
            ulong.Parse(reader.GetString(first + 8), CultureInfo.InvariantCulture),
            (byte[])reader[first + 9],
            (byte[])reader[first + 10]);
}
