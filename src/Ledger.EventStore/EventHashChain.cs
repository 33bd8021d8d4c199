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
        var follower = new ChainFollower();
        foreach (var e in events) follower.Add(e);
        var found = follower.Finish().ToList();
        if (head is not null) found.AddRange(follower.CheckHead(head));
        return found;
    }
}

/// <summary>
/// Follows the chains of any number of streams as their events arrive — in version order per stream, or out of it
/// (the commit-ordered log can hand a stream's versions out of order when transaction ids were taken before the stream
/// lock): an early event waits until its predecessor arrives, and <see cref="Finish"/> reports what never did.
/// </summary>
public sealed class ChainFollower
{
    private readonly Dictionary<string, (long Version, byte[] Hash, long? Position)> _tips = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<long, RecordedEvent>> _waiting = new(StringComparer.Ordinal);
    private readonly List<ChainDiscrepancy> _found = [];

    /// <summary>Discrepancies found so far (and, after <see cref="Finish"/>, all of them).</summary>
    public IReadOnlyList<ChainDiscrepancy> Found => _found;

    public IEnumerable<string> Streams => _tips.Keys;

    public void Add(RecordedEvent e)
    {
        var tip = _tips.TryGetValue(e.StreamId, out var t) ? t : (0, EventHashChain.Genesis.ToArray(), null);
        if (e.Version > tip.Version + 1)
        {
            if (!_waiting.TryGetValue(e.StreamId, out var waiting)) _waiting[e.StreamId] = waiting = [];
            if (!waiting.TryAdd(e.Version, e))
                _found.Add(new(e.StreamId, e.Version, e.Position, $"version {e.Version} is stored twice (also at position {waiting[e.Version].Position})"));
            return;
        }
        Check(e, tip);
        if (_waiting.TryGetValue(e.StreamId, out var next))
        {
            while (next.Count > 0 && next.First().Key == _tips[e.StreamId].Version + 1)
            {
                var following = next.First().Value;
                next.Remove(following.Version);
                Check(following, _tips[e.StreamId]);
            }
            if (next.Count == 0) _waiting.Remove(e.StreamId);
        }
    }

    private void Check(RecordedEvent e, (long Version, byte[] Hash, long? Position) tip)
    {
        var expectedVersion = tip.Version + 1;
        if (e.Version != expectedVersion)
            _found.Add(new(e.StreamId, e.Version, e.Position, e.Version < expectedVersion
                ? $"version {e.Version} is stored twice (also at position {tip.Position})"
                : $"version {e.Version} where {expectedVersion} was expected (an event is missing or out of order)"));
        if (!e.PreviousHash.AsSpan().SequenceEqual(tip.Hash))
            _found.Add(new(e.StreamId, e.Version, e.Position, $"previous_hash {Convert.ToHexStringLower(e.PreviousHash)} does not link to the preceding event's hash {Convert.ToHexStringLower(tip.Hash)}"));
        var recomputed = EventHashChain.Compute(e, e.PreviousHash);
        if (!recomputed.AsSpan().SequenceEqual(e.Hash))
            _found.Add(new(e.StreamId, e.Version, e.Position, $"stored hash {Convert.ToHexStringLower(e.Hash)} differs from the hash recomputed from the row's content {Convert.ToHexStringLower(recomputed)}"));
        if (e.Version >= tip.Version) _tips[e.StreamId] = (e.Version, e.Hash, e.Position);
    }

    /// <summary>Checks the events still waiting for a predecessor that never came (each is reported as a gap) and
    /// returns every discrepancy.</summary>
    public IReadOnlyList<ChainDiscrepancy> Finish()
    {
        foreach (var (streamId, waiting) in _waiting)
            foreach (var e in waiting.Values) Check(e, _tips.TryGetValue(streamId, out var t) ? t : (0, EventHashChain.Genesis.ToArray(), null));
        _waiting.Clear();
        return _found;
    }

    /// <summary>Compares a stream's head row with the last event followed.</summary>
    public IReadOnlyList<ChainDiscrepancy> CheckHead(StreamHead head)
    {
        var (version, hash, position) = _tips.TryGetValue(head.StreamId, out var t) ? t : (0, EventHashChain.Genesis.ToArray(), null);
        if (head.Version != version)
            return [new(head.StreamId, head.Version, position, $"stream head says version {head.Version} but the last stored event is version {version}")];
        if (!head.HeadHash.AsSpan().SequenceEqual(hash))
            return [new(head.StreamId, head.Version, position, "stream head hash differs from the last event's hash")];
        return [];
    }

    /// <summary>The last version followed in a stream (0 if none).</summary>
    public long VersionOf(string streamId) => _tips.TryGetValue(streamId, out var t) ? t.Version : 0;
}

/// <summary>One place where a stream's stored history does not verify.</summary>
public sealed record ChainDiscrepancy(string StreamId, long Version, long? Position, string What)
{
    public override string ToString() => $"stream {StreamId} version {Version}" + (Position is { } p ? $" position {p}" : "") + $": {What}";
}
