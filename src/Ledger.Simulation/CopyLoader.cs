using System.Text.Json;
using Ledger.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Simulation;

/// <summary>
/// Loads simulated appends into Marten's tables with binary COPY, for benchmark datasets of tens of millions of events
/// (<c>ops/bench totals --loader copy</c>). Marten's bulk import (<see cref="BulkLoader"/>) writes the case view with
/// every event and ran at about 1,800 events/s on ten million (docs/performance.md): thirty million would take most of
/// a day. What the benchmarks measure — the totals projection's rebuild and the totals queries — reads the events only.
/// <para>The database still makes every row an audit record: <c>ledger.record_event</c> fires for COPY as for Marten's
/// INSERT (server instant, the source's recording instant checked and kept, transaction id, hash chain), and the
/// stream rows pass <c>ledger.guard_marten_stream</c>. Not written: the case view, and nothing checks an idempotency
/// key, so a chunk must not be loaded twice. The rows are those Marten writes (seq_id from its sequence, the stream's
/// version raised after its events, the event's stored type name and the store's JSON), so the projections, the
/// verifier and the log cannot tell them from appended ones.</para>
/// </summary>
public static class CopyLoader
{
    /// <summary>
    /// Loads <paramref name="requests"/> in one transaction, in the order given (a stream's appends in version order, each
    /// with its source's recording instant). Returns the events written.
    /// </summary>
    public static async Task<int> LoadAsync(NpgsqlDataSource owner, EventTypes types, JsonSerializerOptions json,
        IReadOnlyList<AppendRequest> requests, CancellationToken ct = default)
    {
        var events = requests.Sum(r => r.Events.Count);
        await using var connection = await owner.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // As for Marten's import (LedgerEventStore.ImportAsync): the foreign-key check's cached plan would scan mt_streams.
        long[] positions;
        await using (var noScans = new NpgsqlCommand("select set_config('enable_seqscan', 'off', true)", connection, transaction))
            await noScans.ExecuteNonQueryAsync(ct);
        await using (var reserve = new NpgsqlCommand(
            "select array_agg(nextval('ledger.mt_events_sequence') order by n) from generate_series(1, $1) as n", connection, transaction))
        {
            reserve.Parameters.Add(new NpgsqlParameter<int> { TypedValue = events });
            positions = (long[])(await reserve.ExecuteScalarAsync(ct))!;
        }

        var started = requests.Where(r => r.Expected.Value == 0).ToList();
        if (started.Count > 0)
        {
            await using var streams = await connection.BeginBinaryImportAsync(
                "copy ledger.mt_streams (id, type, version) from stdin (format binary)", ct);
            foreach (var request in started)
            {
                await streams.StartRowAsync(ct);
                await streams.WriteAsync(request.StreamId, NpgsqlDbType.Varchar, ct);
                await streams.WriteAsync(request.StreamType, NpgsqlDbType.Varchar, ct);
                await streams.WriteAsync(0L, NpgsqlDbType.Bigint, ct);
            }
            await streams.CompleteAsync(ct);
        }

        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var rows = await connection.BeginBinaryImportAsync(
            "copy ledger.mt_events (seq_id, id, stream_id, version, data, type, headers) from stdin (format binary)", ct))
        {
            var next = 0;
            foreach (var request in requests)
            {
                var headers = JsonSerializer.Serialize(LedgerEventStore.Headers(request));
                var version = request.Expected.Value;
                foreach (var e in request.Events)
                {
                    await rows.StartRowAsync(ct);
                    await rows.WriteAsync(positions[next++], NpgsqlDbType.Bigint, ct);
                    await rows.WriteAsync(e.EventId, NpgsqlDbType.Uuid, ct);
                    await rows.WriteAsync(request.StreamId, NpgsqlDbType.Varchar, ct);
                    await rows.WriteAsync(++version, NpgsqlDbType.Bigint, ct);
                    await rows.WriteAsync(JsonSerializer.Serialize(e.Data, e.Data.GetType(), json), NpgsqlDbType.Jsonb, ct);
                    await rows.WriteAsync(types.NameOf(e.Data.GetType()) ?? throw new InvalidOperationException($"{e.Data.GetType().Name} has no stored name"),
                        NpgsqlDbType.Varchar, ct);
                    await rows.WriteAsync(headers, NpgsqlDbType.Jsonb, ct);
                }
                heads[request.StreamId] = version;
            }
            await rows.CompleteAsync(ct);
        }

        // Marten raises a stream's version after inserting the events it counts; so does this, once per stream.
        await using (var raise = new NpgsqlCommand(
            "update ledger.mt_streams s set version = h.version, timestamp = now() " +
            "from unnest($1::text[], $2::bigint[]) as h(id, version) where s.id = h.id", connection, transaction))
        {
            raise.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. heads.Keys] });
            raise.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. heads.Values] });
            await raise.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return events;
    }
}
