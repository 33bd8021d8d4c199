using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Ledger.EventStore;

/// <summary>
/// The per-stream hash chain, recomputed from stored rows. Mirrors <c>ledger.event_hash</c> in
/// migrations/0001_event_store.sql byte for byte; a verifier needs nothing but the stored row.
/// </summary>
public static class EventHashChain
{
    public const int HashLength = 32;

    /// <summary>The predecessor of every stream's first event.</summary>
    public static ReadOnlySpan<byte> Genesis => new byte[HashLength];

    public static byte[] Compute(
        ReadOnlySpan<byte> previousHash, string streamId, long version, Guid eventId, string type,
        Instant recordedAt, string dataJson, string metadataJson)
    {
        // Microseconds: PostgreSQL's timestamptz resolution, and what the SQL side hashes.
        var micros = recordedAt.ToUnixTimeTicks() / 10;
        var text = string.Join('\n',
            "ledger.event.v1",
            streamId,
            version.ToString(CultureInfo.InvariantCulture),
            eventId.ToString("D"),
            type,
            micros.ToString(CultureInfo.InvariantCulture),
            dataJson,
            metadataJson);
        var content = Encoding.UTF8.GetBytes(text);
        var buffer = new byte[previousHash.Length + content.Length];
        previousHash.CopyTo(buffer);
        content.CopyTo(buffer.AsSpan(previousHash.Length));
        return SHA256.HashData(buffer);
    }

    public static byte[] Compute(RecordedEvent e, ReadOnlySpan<byte> previousHash) =>
        Compute(previousHash, e.StreamId, e.Version, e.EventId, e.Type, e.RecordedAt, e.Data, e.Metadata);

    /// <summary>Checks a whole stream, in version order: versions contiguous from 1, each event linked to its
    /// predecessor, each hash equal to the one recomputed from the row, and the head equal to the last hash.</summary>
    public static IReadOnlyList<ChainDiscrepancy> Verify(StreamHead? head, IReadOnlyList<RecordedEvent> events)
    {
        var found = new List<ChainDiscrepancy>();
        var expectedPrevious = Genesis.ToArray();
        long expectedVersion = 1;
        foreach (var e in events)
        {
            if (e.Version != expectedVersion)
                found.Add(new(e.StreamId, e.Version, e.Position, $"version {e.Version} where {expectedVersion} was expected (an event is missing or out of order)"));
            if (!e.PreviousHash.AsSpan().SequenceEqual(expectedPrevious))
                found.Add(new(e.StreamId, e.Version, e.Position, $"previous_hash {Convert.ToHexStringLower(e.PreviousHash)} does not link to the preceding event's hash {Convert.ToHexStringLower(expectedPrevious)}"));
            var recomputed = Compute(e, e.PreviousHash);
            if (!recomputed.AsSpan().SequenceEqual(e.Hash))
                found.Add(new(e.StreamId, e.Version, e.Position, $"stored hash {Convert.ToHexStringLower(e.Hash)} differs from the hash recomputed from the row's content {Convert.ToHexStringLower(recomputed)}"));
            expectedPrevious = e.Hash;
            expectedVersion = e.Version + 1;
        }
        if (head is not null)
        {
            var last = events.Count > 0 ? events[^1] : null;
            if (head.Version != (last?.Version ?? 0))
                found.Add(new(head.StreamId, head.Version, last?.Position, $"stream head says version {head.Version} but the last stored event is version {last?.Version ?? 0}"));
            else if (!head.HeadHash.AsSpan().SequenceEqual(expectedPrevious))
                found.Add(new(head.StreamId, head.Version, last?.Position, "stream head hash differs from the last event's hash"));
        }
        return found;
    }
}

/// <summary>One place where a stream's stored history does not verify.</summary>
public sealed record ChainDiscrepancy(string StreamId, long Version, long? Position, string What)
{
    public override string ToString() => $"stream {StreamId} version {Version}" + (Position is { } p ? $" position {p}" : "") + $": {What}";
}
