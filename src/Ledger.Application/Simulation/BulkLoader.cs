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
/// Writes simulated cases straight into the event store with COPY, as the database owner — the bulk path of the
/// benchmarks and of tests that need events recorded at chosen instants (the append function always stamps the
/// server's clock). Rows are exactly what command handling would have written for the same commands and
/// idempotency keys ("sim/{case}/{step}"), chained with the same hash, so verification and projections cannot tell
/// them apart. Never used for real records.
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
    public static async Task<int> CopyAsync(NpgsqlDataSource owner, IReadOnlyList<EventRow> rows, CancellationToken ct = default)
    {
        if (rows.Count == 0) return 0;
        await using var connection = await owner.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy ledger.events (event_id, stream_id, version, event_type, data, metadata, recorded_at, previous_hash, hash) from stdin (format binary)", ct))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.EventId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(row.StreamId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.Version, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(row.Type, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.Data, NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(row.Metadata, NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(row.RecordedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(row.PreviousHash, NpgsqlDbType.Bytea, ct);
                await copy.WriteAsync(row.Hash, NpgsqlDbType.Bytea, ct);
            }
            await copy.CompleteAsync(ct);
        }

        var heads = rows.GroupBy(r => r.StreamId, StringComparer.Ordinal)
            .Select(g => (First: g.MinBy(r => r.Version)!, Last: g.MaxBy(r => r.Version)!)).ToList();
        await using (var streams = new NpgsqlCommand(
            "insert into ledger.streams (stream_id, stream_type, version, head_hash, created_at, updated_at) " +
            "select s, $2, v, h, c, u from unnest($1::text[], $3::bigint[], $4::bytea[], $5::timestamptz[], $6::timestamptz[]) as t(s, v, h, c, u) " +
            "on conflict (stream_id) do update set version = excluded.version, head_hash = excluded.head_hash, updated_at = excluded.updated_at",
            connection, transaction))
        {
            streams.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. heads.Select(h => h.Last.StreamId)] });
            streams.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CaseHistory.StreamType });
            streams.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. heads.Select(h => h.Last.Version)] });
            streams.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. heads.Select(h => h.Last.Hash)] });
            streams.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. heads.Select(h => h.First.RecordedAt.ToDateTimeUtc())] });
            streams.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. heads.Select(h => h.Last.RecordedAt.ToDateTimeUtc())] });
            await streams.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return rows.Count;
    }
}
