using System.Data.Common;
using JasperFx.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using Weasel.Core;
using IStorageOperation = Weasel.Storage.IStorageOperation;
using IStorageSession = Weasel.Storage.IStorageSession;

namespace Ledger.EventStore.Marten;

/// <summary>
/// Runs after Marten's append, in the same round trip: ledger.append_outcome checks (and, for a new stream, records)
/// the stream's type and reports each appended event's version, position and recorded_at, which only the database
/// knows (it stamps them, migrations/0011).
/// </summary>
internal sealed class AppendOutcomeOperation(string streamId, string streamType, Guid[] eventIds) : IStorageOperation
{
    private readonly Dictionary<Guid, (long Version, long Position, Instant RecordedAt)> _stamped = [];

    public Type DocumentType => typeof(IEvent);

    public OperationRole Role() => OperationRole.Events;

    public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
    {
        builder.Append("select event_id, event_version, event_position, event_recorded_at from ledger.append_outcome(");
        ((NpgsqlParameter)builder.AppendParameter(streamId)).NpgsqlDbType = NpgsqlDbType.Text;
        builder.Append(", ");
        ((NpgsqlParameter)builder.AppendParameter(streamType)).NpgsqlDbType = NpgsqlDbType.Text;
        builder.Append(", ");
        ((NpgsqlParameter)builder.AppendParameter(eventIds)).NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid;
        builder.Append(")");
    }

    public async Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token)
    {
        while (await reader.ReadAsync(token))
            _stamped[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<Instant>(3));
    }

    /// <summary>The result of the append of <paramref name="events"/> (some or all of this operation's).</summary>
    public AppendResult ResultOf(IReadOnlyList<NewEvent> events)
    {
        var stamped = events.Select(e => _stamped.TryGetValue(e.EventId, out var s)
            ? s
            : throw new InvalidOperationException($"the append of event {e.EventId} to stream '{streamId}' reported no outcome")).ToList();
        return new AppendResult(stamped.Max(s => s.Version), stamped.Min(s => s.Position), stamped.Max(s => s.Position),
            stamped.Min(s => s.RecordedAt), AlreadyRecorded: false);
    }
}

/// <summary>Locks a stream's row, if it exists, for the rest of the transaction.</summary>
internal sealed class LockStreamOperation(string streamId) : IStorageOperation
{
    public Type DocumentType => typeof(IEvent);

    public OperationRole Role() => OperationRole.Events;

    public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
    {
        builder.Append("select 1 from ledger.mt_streams where id = ");
        ((NpgsqlParameter)builder.AppendParameter(streamId)).NpgsqlDbType = NpgsqlDbType.Varchar;
        builder.Append(" for update");
    }

    public Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;
}

/// <summary>Queues an operation once Marten has queued the session's appends (listeners run after that, before the
/// batch is sent), so the operation runs after them.</summary>
internal sealed class QueueAfterAppend(IStorageOperation operation) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        session.QueueOperation(operation);
        return Task.CompletedTask;
    }
}

internal enum AppendFailureKind
{
    /// <summary>The stream is not at the expected version (Marten's check, or a racing writer took the version).</summary>
    VersionConflict,
    /// <summary>"No stream" was expected and the stream exists.</summary>
    StreamExists,
    /// <summary>An event id is already recorded.</summary>
    EventIdTaken,
    /// <summary>The stream exists with another type (ledger.append_outcome, LE005).</summary>
    StreamType,
    /// <summary>An import's source instant breaks a rule (ledger.record_event, LE004).</summary>
    RecordedInSource,
    /// <summary>Metadata the ledger does not record (ledger.record_event, LE006).</summary>
    Metadata,
}

/// <summary>Why Marten's SaveChanges failed, when it failed for a reason the store answers; null otherwise.</summary>
internal sealed record AppendFailure(AppendFailureKind Kind, string Message)
{
    public static AppendFailure? Of(Exception exception)
    {
        switch (exception)
        {
            case global::Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException:
                return new(AppendFailureKind.StreamExists, exception.Message);
            case EventStreamUnexpectedMaxEventIdException:
                return new(AppendFailureKind.VersionConflict, exception.Message);
        }
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is not PostgresException pg) continue;
            return pg.SqlState switch
            {
                "MT003" => new(AppendFailureKind.VersionConflict, pg.MessageText),
                "LE004" => new(AppendFailureKind.RecordedInSource, pg.MessageText),
                "LE005" => new(AppendFailureKind.StreamType, pg.MessageText),
                "LE006" => new(AppendFailureKind.Metadata, pg.MessageText),
                PostgresErrorCodes.UniqueViolation => pg.ConstraintName switch
                {
                    "pkey_mt_streams_id" => new(AppendFailureKind.StreamExists, pg.MessageText),
                    "pk_mt_events_stream_and_version" => new(AppendFailureKind.VersionConflict, pg.MessageText),
                    "idx_mt_events_event_id" => new(AppendFailureKind.EventIdTaken, pg.MessageText),
                    _ => null,
                },
                _ => null,
            };
        }
        return null;
    }
}

/// <summary>Records the type of the streams an import created (Marten writes none for a plain Append) and refuses an
/// import into streams of another type: ledger.record_stream_types, migrations/0012.</summary>
internal sealed class RecordStreamTypesOperation(string[] streamIds, string streamType) : IStorageOperation
{
    public Type DocumentType => typeof(IEvent);

    public OperationRole Role() => OperationRole.Events;

    public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
    {
        builder.Append("select ledger.record_stream_types(");
        ((NpgsqlParameter)builder.AppendParameter(streamIds)).NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text;
        builder.Append(", ");
        ((NpgsqlParameter)builder.AppendParameter(streamType)).NpgsqlDbType = NpgsqlDbType.Text;
        builder.Append(")");
    }

    public Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;
}

/// <summary>A fixed statement, run where it is queued among the session's operations. It must return a result set
/// (a SELECT): Marten reads one per operation unless told otherwise, and Npgsql skips a statement without one, so the
/// later operations would read each other's results.</summary>
internal sealed class StatementOperation(string sql) : IStorageOperation
{
    public Type DocumentType => typeof(IEvent);

    public OperationRole Role() => OperationRole.Events;

    public void ConfigureCommand(ICommandBuilder builder, IStorageSession session) => builder.Append(sql);

    public Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;
}
