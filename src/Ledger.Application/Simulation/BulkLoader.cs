using Ledger.Domain.Serialization;
using Ledger.EventStore;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Application.Simulation;

/// <summary>An event row ready for the events table: versioned, chained, with the instant it is recorded at.</summary>
public sealed record EventRow(
    Guid EventId, string StreamId, long Version, string Type, string Data, string Metadata, Instant RecordedAt, byte[] PreviousHash, byte[] Hash);

/// <summary>
/// Writes simulated cases straight into Marten's event tables with COPY, as a superuser with triggers off — the bulk
/// path of the benchmarks and of tests that need events recorded at chosen instants (ledger.record_event always
/// stamps the server's clock). Rows are exactly what command handling would have written for the same commands and
/// idempotency keys ("sim/{case}/{step}"), chained with the same hash, so verification and projections cannot tell
/// them apart. Never used for real records: it is the one writer that does not go through Marten, and it needs the
/// superuser (session_replication_role), which no ledger role is.
/// </summary>
public static class BulkLoader
{
    private const string Actor = "simulation";

    /// <summary>The rows of a simulated case, chained from its first event.</summary>
    public static IReadOnlyList<EventRow> RowsOf(SimulatedCase simulated)
    {
        var rows = new List<EventRow>();
        var previous = EventHashChain.Genesis.ToArray();
        long version = 0;
        for (var step = 0; step < simulated.Steps.Count; step++)
        {
            var s = simulated.Steps[step];
            var key = $"sim/{simulated.CaseId}/{step}";
            var metadata = JsonbText.Of(new EventMetadata(Actor, DeterministicId.From($"ledger/command/{simulated.CaseId}/{key}"),
                Command: s.Command.Name, IdempotencyKey: key).ToJson());
            for (var i = 0; i < s.Events.Count; i++)
            {
                var e = s.Events[i];
                var eventId = DeterministicId.From($"ledger/case-command/{simulated.CaseId}/{key}/{i}");
                var type = CaseEventSerializer.TypeNameOf(e);
                var data = JsonbText.Of(CaseEventSerializer.SerializeToElement(e));
                version++;
                var hash = EventHashChain.Compute(previous, simulated.CaseId, version, eventId, type, s.RecordedAt, data, metadata);
                rows.Add(new EventRow(eventId, simulated.CaseId, version, type, data, metadata, s.RecordedAt, previous, hash));
                previous = hash;
            }
        }
        return rows;
    }

    /// <summary>
    /// Appends rows in one transaction, in the order given (their positions follow it), and moves each stream's head.
    /// Rows of a stream must continue it: version 1 for a new stream, else one past its stored version.
    /// </summary>
    public static async Task<int> CopyAsync(NpgsqlDataSource superuser, IReadOnlyList<EventRow> rows, string streamType = CaseHistory.StreamType, CancellationToken ct = default)
    {
        if (rows.Count == 0) return 0;
        await using var connection = await superuser.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Triggers off for this transaction only: the rows carry their own instants and hashes. The column rules
        // (check constraints) still apply.
        await using (var replica = new NpgsqlCommand("set local session_replication_role = replica", connection, transaction))
            await replica.ExecuteNonQueryAsync(ct);
        var positions = new List<long>(rows.Count);
        await using (var reserve = new NpgsqlCommand(
            "select nextval('ledger.mt_events_sequence') from generate_series(1, $1)", connection, transaction))
        {
            reserve.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rows.Count });
            await using var reader = await reserve.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) positions.Add(reader.GetInt64(0));
        }

        var heads = rows.GroupBy(r => r.StreamId, StringComparer.Ordinal)
            .Select(g => (First: g.MinBy(r => r.Version)!, Last: g.MaxBy(r => r.Version)!)).ToList();
        await using (var streams = new NpgsqlCommand(
            "insert into ledger.mt_streams (id, type, version, timestamp, created) " +
            "select s, $2, v, u, c from unnest($1::text[], $3::bigint[], $4::timestamptz[], $5::timestamptz[]) as t(s, v, c, u) " +
            "on conflict (id) do update set version = excluded.version, timestamp = excluded.timestamp",
            connection, transaction))
        {
            streams.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. heads.Select(h => h.Last.StreamId)] });
            streams.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamType });
            streams.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. heads.Select(h => h.Last.Version)] });
            streams.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. heads.Select(h => h.First.RecordedAt.ToDateTimeUtc())] });
            streams.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. heads.Select(h => h.Last.RecordedAt.ToDateTimeUtc())] });
            await streams.ExecuteNonQueryAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy ledger.mt_events (seq_id, id, stream_id, version, type, data, headers, timestamp, recorded_at, previous_hash, hash) " +
            "from stdin (format binary)", ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(positions[i], NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(row.EventId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(row.StreamId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(row.Version, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(row.Type, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(row.Data, NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(row.Metadata, NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(row.RecordedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(row.RecordedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(row.PreviousHash, NpgsqlDbType.Bytea, ct);
                await copy.WriteAsync(row.Hash, NpgsqlDbType.Bytea, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return rows.Count;
    }
}
