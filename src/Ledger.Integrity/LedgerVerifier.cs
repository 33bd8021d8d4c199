using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ledger.EventStore;
using Ledger.Integrity.Merkle;
using Ledger.Integrity.Signing;
using NodaTime;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>One thing that does not verify, and exactly where: stream and version, position, leaf or checkpoint.</summary>
public sealed record Discrepancy(string What, string? StreamId = null, long? Version = null, long? Position = null, long? LeafIndex = null, long? CheckpointSize = null)
{
    public override string ToString()
    {
        var place = new List<string>();
        if (StreamId is not null) place.Add($"stream {StreamId}");
        if (Version is { } v) place.Add($"version {v}");
        if (Position is { } p) place.Add($"position {p}");
        if (LeafIndex is { } l) place.Add($"leaf {l}");
        if (CheckpointSize is { } c) place.Add($"checkpoint of size {c}");
        return (place.Count > 0 ? string.Join(" ", place) + ": " : "") + What;
    }
}

/// <summary>The outcome of <c>ledger verify</c>. <see cref="Notices"/> are facts an auditor should see that are not
/// faults (events recorded with a source instant before a checkpoint that does not contain them: imports).</summary>
public sealed record VerificationReport(
    long Events, int Streams, long Leaves, long PendingEvents, int Checkpoints,
    IReadOnlyList<Discrepancy> Discrepancies, IReadOnlyList<string> Notices, TimeSpan Elapsed, int PublishedCheckpoints = 0)
{
    public bool Ok => Discrepancies.Count == 0;
}

/// <summary>
/// Verifies the whole ledger from the stored rows: every stream's hash chain and head, every leaf against its event and
/// the stored tiles, the root at every checkpoint against the leaves, every checkpoint's signature against keys the
/// caller trusts (never keys read from the database), and every checkpoint's consistency with the latest.
/// One pass over the events in log order; memory grows with the number of streams, not of events.
/// <para>Checkpoints kept outside the database (<paramref name="publishedCheckpoints"/>, <see cref="PublishedCheckpoint"/>)
/// are checked the same way, and more: whatever one covers must be present and unchanged, so a ledger restored from a
/// backup (or rewritten together with the checkpoints it stores) is held to what was published. Leaves a published
/// checkpoint vouches for and the log no longer holds are reported by leaf index; the events recorded after the latest
/// published checkpoint are listed by position, since nothing outside the database vouches for them.</para>
/// </summary>
public sealed class LedgerVerifier(
    NpgsqlDataSource dataSource, IReadOnlyCollection<CheckpointPublicKey> trustedKeys, IReadOnlyCollection<Checkpoint>? publishedCheckpoints = null)
{
    /// <summary>How many positions a notice lists before it gives only their count.</summary>
    private const int PositionsListed = 50;

    private const int Batch = 20_000;

    public async Task<VerificationReport> VerifyAsync(IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var found = new List<Discrepancy>();
        var notices = new List<string>();
        var log = new MerkleLog(dataSource);
        // The log's row, leaves and tiles are read in several statements: no integrator may move the log between them
        // (a running `ledger serve` integrates every few seconds; it waits while the ledger is verified).
        await using var still = await log.HoldStillAsync(ct);
        var state = await log.GetStateAsync(ct);
        var hasher = state?.Hasher ?? TreeHasher.Sha256;

        // Checkpoints: readable, signed by a trusted key, of this log.
        var checkpoints = new List<Checkpoint>();
        foreach (var stored in await log.CheckpointsAsync(ct))
        {
            if (stored.Checkpoint is not { } c)
            {
                found.Add(new Discrepancy($"the checkpoint cannot be read: {stored.Problem}", CheckpointSize: stored.TreeSize));
                continue;
            }
            if (stored.Problem is not null) found.Add(new Discrepancy(stored.Problem, CheckpointSize: stored.TreeSize));
            if (c.SignatureProblem(trustedKeys) is { } signature) found.Add(new Discrepancy(signature, CheckpointSize: c.TreeSize));
            if (state is not null && (c.Origin != state.Origin || c.TreeHash != state.Hasher.Name))
                found.Add(new Discrepancy($"checkpoint is of log '{c.Origin}' ({c.TreeHash}), not of this log '{state.Origin}' ({state.Hasher.Name})", CheckpointSize: c.TreeSize));
            if (state is not null && c.TreeSize > state.TreeSize)
                found.Add(new Discrepancy($"checkpoint covers {c.TreeSize} leaves but the log holds {state.TreeSize}: leaves were removed", CheckpointSize: c.TreeSize));
            checkpoints.Add(c);
        }
        if (state is null) notices.Add("no verifiable log yet: only the hash chains were checked (run `ledger log checkpoint`)");

        // Published checkpoints: signed by a trusted key, of this log, and covering no more than the log holds.
        var published = publishedCheckpoints ?? [];
        foreach (var c in published)
        {
            var size = c.TreeSize;
            if (c.SignatureProblem(trustedKeys) is { } signature) found.Add(new Discrepancy($"the published checkpoint: {signature}", CheckpointSize: size));
            if (state is not null && (c.Origin != state.Origin || c.TreeHash != state.Hasher.Name))
                found.Add(new Discrepancy($"the published checkpoint is of log '{c.Origin}' ({c.TreeHash}), not of this log '{state.Origin}' ({state.Hasher.Name})", CheckpointSize: size));
            var held = state?.TreeSize ?? 0;
            if (size > held)
                found.Add(new Discrepancy(
                    $"the published checkpoint vouches for {size} leaves but the log holds {held}: leaves {held}–{size - 1} are missing (lost by a restore, or removed)",
                    LeafIndex: held, CheckpointSize: size));
            checkpoints.Add(c);
        }

        var chains = new ChainFollower();
        var compact = new CompactRange(hasher);
        var recomputedTiles = new TileEdge(hasher, 0, new Dictionary<(int, long), byte[][]>());
        var leafPlaces = new Dictionary<long, (string StreamId, long Version, long Position)>();
        var checkpointAt = checkpoints.GroupBy(c => c.TreeSize).ToDictionary(g => g.Key, g => g.ToList());
        var sizes = checkpoints.Select(c => c.TreeSize).Order().ToList();
        var nextSize = 0;
        Instant? lastCheckpointBefore = null;
        long expectedLeaf = 0, events = 0, pending = 0, leaves = 0;
        // The first positions recorded after the latest published checkpoint, and how many there are (memory stays bounded).
        var unvouched = new List<long>();
        long unvouchedCount = 0;
        void Unvouched(long position)
        {
            if (unvouchedCount++ < PositionsListed) unvouched.Add(position);
        }
        var vouchedUpTo = published.Count > 0 ? published.Max(c => c.TreeSize) : long.MaxValue;

        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var command = new NpgsqlCommand(LogOrderSql, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var recorded = reader.IsDBNull(4) ? null : LedgerEventStore.ReadRecordedEvent(reader, 4);
                if (recorded is not null)
                {
                    chains.Add(recorded);
                    events++;
                }
                if (reader.IsDBNull(0))
                {
                    // An event the log does not hold: pending if the integrator has not reached it, else smuggled in.
                    if (state is not null && (recorded!.TransactionId, recorded.Position).CompareTo((state.Integrated.TransactionId, state.Integrated.Position)) <= 0)
                        found.Add(new Discrepancy("the event is not in the log although the integrator has passed its place in commit order (inserted behind the log's back)",
                            recorded.StreamId, recorded.Version, recorded.Position));
                    else
                    {
                        pending++;
                        if (published.Count > 0) Unvouched(recorded!.Position);
                    }
                    continue;
                }

                var (leafIndex, position, streamId, version) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3));
                leaves++;
                if (leafIndex != expectedLeaf)
                    found.Add(new Discrepancy($"leaves {expectedLeaf}–{leafIndex - 1} are missing from ledger.merkle_leaves", LeafIndex: expectedLeaf));
                expectedLeaf = leafIndex + 1;
                leafPlaces[leafIndex] = (streamId, version, position);

                // Checkpoints issued before this leaf entered the log: an event recorded before them was backdated.
                while (nextSize < sizes.Count && sizes[nextSize] <= leafIndex)
                {
                    var issued = checkpointAt[sizes[nextSize++]].Min(c => c.IssuedAt);
                    if (lastCheckpointBefore is null || issued > lastCheckpointBefore) lastCheckpointBefore = issued;
                }

                byte[] leafHash;
                if (recorded is null)
                {
                    found.Add(new Discrepancy("the event is missing from ledger.events (deleted); the log holds its leaf", streamId, version, position, leafIndex));
                    leafHash = new byte[TreeHasher.HashLength];
                }
                else
                {
                    if (recorded.StreamId != streamId || recorded.Version != version)
                        found.Add(new Discrepancy($"the leaf is stream {streamId} version {version} but the event at this position is stream {recorded.StreamId} version {recorded.Version}",
                            recorded.StreamId, recorded.Version, position, leafIndex));
                    leafHash = MerkleLog.LeafHash(hasher, position, streamId, version, recorded.Hash);
                    if (lastCheckpointBefore is { } before && recorded.RecordedAt < before && Backdated(recorded, leafIndex, before) is { } backdated)
                        notices.Add(backdated);
                }
                compact.Append(leafHash);
                recomputedTiles.Append(leafHash);
                if (checkpointAt.TryGetValue(compact.Size, out var atThisSize))
                {
                    var root = compact.Root();
                    foreach (var checkpoint in atThisSize.Where(c => !root.AsSpan().SequenceEqual(c.RootHash)).DistinctBy(c => Convert.ToHexStringLower(c.RootHash)))
                        found.Add(new Discrepancy(
                            $"the signed root {Convert.ToHexStringLower(checkpoint.RootHash)}{(published.Contains(checkpoint) ? " (a published checkpoint)" : "")} differs from the root recomputed from the events {Convert.ToHexStringLower(root)}",
                            CheckpointSize: checkpoint.TreeSize));
                }
                if (leafIndex >= vouchedUpTo) Unvouched(position);
                if (leaves % Batch == 0)
                {
                    await CompareTilesAsync(recomputedTiles.TakeChanged(), leafPlaces, found, ct);
                    leafPlaces.Clear();
                    progress?.Report(events);
                }
            }
        }
        await CompareTilesAsync(recomputedTiles.TakeChanged(), leafPlaces, found, ct);
        progress?.Report(events);

        // Streams: every head agrees with its chain; no chain without a head.
        var chainFindings = chains.Finish();
        found.AddRange(chainFindings.Select(c => new Discrepancy(c.What, c.StreamId, c.Version, c.Position)));
        var heads = 0;
        await using (var command = dataSource.CreateCommand("select stream_id, stream_type, version, head_hash, created_at, updated_at from ledger.streams"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            var withHead = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(ct))
            {
                var head = new StreamHead(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (byte[])reader[3],
                    reader.GetFieldValue<Instant>(4), reader.GetFieldValue<Instant>(5));
                withHead.Add(head.StreamId);
                heads++;
                found.AddRange(chains.CheckHead(head).Select(c => new Discrepancy(c.What, c.StreamId, c.Version, c.Position)));
            }
            foreach (var stream in chains.Streams.Where(s => !withHead.Contains(s)))
                found.Add(new Discrepancy("events exist for a stream that has no row in ledger.streams", stream, chains.VersionOf(stream)));
        }

        // The log's own row, and every checkpoint consistent with the latest (proofs from the stored tiles).
        if (state is not null)
        {
            if (state.TreeSize != leaves)
                found.Add(new Discrepancy($"the log's row says {state.TreeSize} leaves but ledger.merkle_leaves holds {leaves}"));
            else if (!state.RootHash.AsSpan().SequenceEqual(compact.Root()))
                found.Add(new Discrepancy("the log's row holds a root that differs from the root recomputed from the events"));
            if (checkpoints.Count > 0)
            {
                // The latest the log can be proven against; a published checkpoint beyond the log was reported above.
                var latest = checkpoints.Where(c => c.TreeSize <= state.TreeSize).MaxBy(c => c.TreeSize) ?? checkpoints.MaxBy(c => c.TreeSize)!;
                foreach (var earlier in checkpoints.Where(c => c.TreeSize < latest.TreeSize && c.TreeSize <= state.TreeSize && latest.TreeSize <= state.TreeSize))
                {
                    string? problem = null;
                    try
                    {
                        var proof = await log.ConsistencyProofAsync(earlier.TreeSize, latest.TreeSize, ct);
                        if (!MerkleTree.VerifyConsistency(hasher, earlier.TreeSize, latest.TreeSize, earlier.RootHash, latest.RootHash, proof.Path))
                            problem = $"is not consistent with the latest checkpoint (size {latest.TreeSize}): the consistency proof from the stored tiles fails";
                    }
                    catch (Exception e) when (e is MerkleLogException or InvalidOperationException)
                    {
                        problem = $"no consistency proof with the latest checkpoint can be made: {e.Message}";
                    }
                    if (problem is not null) found.Add(new Discrepancy(problem, CheckpointSize: earlier.TreeSize));
                }
            }
        }

        if (unvouchedCount > 0)
        {
            notices.Add($"{unvouchedCount} event(s) were recorded after the latest published checkpoint (size {vouchedUpTo}); nothing outside the " +
                        $"database vouches for them: position(s) {string.Join(", ", unvouched)}" +
                        (unvouchedCount > PositionsListed ? $" and {unvouchedCount - PositionsListed} more" : ""));
        }

        return new VerificationReport(events, heads, leaves, pending, checkpoints.Count - published.Count, found, notices, clock.Elapsed, published.Count);
    }

    /// <summary>What verification reads: every leaf with its event (columns 0–3 the leaf, then
    /// <see cref="LedgerEventStore.EventColumns"/>), in leaf order, then events the log does not hold in commit order.</summary>
    public static readonly string LogOrderSql =
        "select l.leaf_index, l.position, l.stream_id, l.version, " +
        string.Join(", ", LedgerEventStore.EventColumns.Split(", ").Select(c => "e." + c)) +
        " from ledger.merkle_leaves l full join ledger.events e on e.position = l.position " +
        "order by l.leaf_index nulls last, e.transaction_id, e.position";

    /// <summary>An imported event recorded (in its source) before a checkpoint that does not hold it: figures published
    /// then did not count it. Null for an event the ledger itself recorded: it is stamped when its transaction writes it
    /// and enters the log when that commits, so one written while a checkpoint was signed lands in the next as a matter
    /// of course (on a live ledger, hundreds between two runs of `ledger verify`).</summary>
    private static string? Backdated(RecordedEvent e, long leafIndex, Instant checkpointTime)
    {
        string? source = null, importedAt = null;
        using (var metadata = JsonDocument.Parse(e.Metadata))
        {
            if (metadata.RootElement.TryGetProperty("source", out var s)) source = s.ToString();
            if (metadata.RootElement.TryGetProperty("imported_at", out var i)) importedAt = i.ToString();
        }
        if (source is null) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"stream {e.StreamId} version {e.Version} position {e.Position} leaf {leafIndex}: recorded_at {e.RecordedAt} precedes a checkpoint " +
            $"issued {checkpointTime} that does not contain it (imported from {source} at {importedAt}); figures published as of that time did not include it");
    }

    private async Task CompareTilesAsync(
        IReadOnlyDictionary<(int Level, long Index), byte[]> recomputed, IReadOnlyDictionary<long, (string StreamId, long Version, long Position)> places,
        List<Discrepancy> found, CancellationToken ct)
    {
        if (recomputed.Count == 0) return;
        Dictionary<(int Level, long Index), byte[][]> stored;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
            stored = await MerkleLog.ReadTilesAsync(connection, [.. recomputed.Keys], ct);
        foreach (var ((level, index), expected) in recomputed.OrderBy(t => t.Key))
        {
            if (!stored.TryGetValue((level, index), out var actual))
            {
                found.Add(new Discrepancy($"tile ({level}, {index}) is missing from ledger.merkle_tiles"));
                continue;
            }
            // A tile still filling may hold more hashes than the events read so far account for: compare what both hold.
            var hashes = Tiles.Split(expected);
            if (actual.Length < hashes.Length)
                found.Add(new Discrepancy($"tile ({level}, {index}) holds {actual.Length} hashes where the events give {hashes.Length}"));
            for (var i = 0; i < Math.Min(hashes.Length, actual.Length); i++)
            {
                if (actual[i].AsSpan().SequenceEqual(hashes[i])) continue;
                if (level == 0)
                {
                    var leaf = index * Tiles.Width + i;
                    var place = places.TryGetValue(leaf, out var p) ? p : default;
                    found.Add(new Discrepancy("the log's leaf hash differs from the hash of the event's leaf (the event or the log was changed after integration)",
                        place.StreamId, place.StreamId is null ? null : place.Version, place.StreamId is null ? null : place.Position, leaf));
                }
                else
                {
                    found.Add(new Discrepancy($"tile ({level}, {index}) hash {i} differs from the one recomputed from the events"));
                }
            }
        }
    }
}
