using System.Globalization;
using System.Text;
using Ledger.EventStore;
using Ledger.Integrity.Merkle;
using Ledger.Integrity.Signing;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Integrity;

/// <summary>The log's row: its name, algorithms, size and root, and how far the integrator has read.</summary>
public sealed record LogState(
    string Origin, TreeHasher Hasher, string SignatureAlgorithm, Instant CreatedAt, long TreeSize, byte[] RootHash,
    GlobalCheckpoint Integrated, Instant? IntegratedAt);

/// <summary>A leaf: the event at <see cref="Position"/> (stream, version) is the <see cref="LeafIndex"/>-th of the log.</summary>
public sealed record LeafEntry(long LeafIndex, long Position, string StreamId, long Version);

public sealed record InclusionProof(long LeafIndex, long TreeSize, IReadOnlyList<byte[]> Path);

public sealed record ConsistencyProof(long FromSize, long ToSize, IReadOnlyList<byte[]> Path);

/// <summary>What one integration run did.</summary>
public sealed record IntegrationResult(long LeavesAdded, long TreeSize, byte[] RootHash);

/// <summary>Refused log operations: the message names what and why.</summary>
public sealed class MerkleLogException : Exception
{
    /// <summary>A parameter refused: <paramref name="field"/> names it ("treeSize"), <paramref name="rule"/> says why.</summary>
    public MerkleLogException(string field, string rule) : base($"{field}: {rule}")
    {
        Field = field;
        Rule = rule;
    }

    /// <summary>A state of the log that refuses the request (not created yet, a tile missing): no one parameter to name.</summary>
    public MerkleLogException(string rule) : base(rule)
    {
        Field = "request";
        Rule = rule;
    }

    /// <summary>The parameter refused, or "request".</summary>
    public string Field { get; }

    /// <summary>Why.</summary>
    public string Rule { get; }
}

/// <summary>
/// The verifiable log on PostgreSQL (migrations/0005_merkle_log.sql): integrates events as leaves in commit order,
/// issues signed checkpoints, and serves inclusion and consistency proofs from stored tiles.
/// </summary>
public sealed class MerkleLog(NpgsqlDataSource dataSource)
{
    /// <summary>Serializes integrators across processes (an arbitrary constant: "ledger merkle").</summary>
    private const long IntegratorLock = 0x6c65_6467_6572_6d6c;

    /// <summary>What the integrator reads: the events after a place in commit order ($1, $2), in that order. (The
    /// transaction id is aliased: an output column named transaction_id would make ORDER BY sort its text, "1000" &lt; "999".)</summary>
    public const string PendingEventsSql =
        "select position, stream_id, version, hash, transaction_id::text as transaction_id_text from ledger.events " +
        $"where {LedgerEventStore.CommitOrderAfter} order by transaction_id, position";

    /// <summary>The leaf input for an event (see 0005_merkle_log.sql): what the log commits to.</summary>
    public static byte[] LeafInput(long position, string streamId, long version, ReadOnlySpan<byte> eventHash) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"ledger.leaf.v1\n{position}\n{streamId}\n{version}\n{Convert.ToHexStringLower(eventHash)}"));

    public static byte[] LeafHash(TreeHasher hasher, long position, string streamId, long version, ReadOnlySpan<byte> eventHash) =>
        hasher.HashLeaf(LeafInput(position, streamId, version, eventHash));

    public async Task<LogState?> GetStateAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "select origin, tree_hash, signature_algorithm, created_at, tree_size, root_hash, integrated_transaction_id::text, " +
            "integrated_position, integrated_at from ledger.merkle_log where log_id = 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new LogState(
            reader.GetString(0), TreeHasher.ForName(reader.GetString(1)), reader.GetString(2),
            reader.GetFieldValue<Instant>(3), reader.GetInt64(4), (byte[])reader[5],
            new GlobalCheckpoint(ulong.Parse(reader.GetString(6), CultureInfo.InvariantCulture), reader.GetInt64(7)),
            reader.IsDBNull(8) ? null : reader.GetFieldValue<Instant>(8));
    }

    /// <summary>Creates the log with <paramref name="suite"/>'s algorithms unless it exists; an existing log keeps
    /// its own, and a different suite is refused (a log's algorithms never change).</summary>
    public async Task<LogState> EnsureCreatedAsync(string origin, SignatureSuite suite, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(origin) || origin.Length > 200 || origin.Any(char.IsControl))
            throw new MerkleLogException("origin", "must be 1 to 200 characters without control characters");
        await using (var command = dataSource.CreateCommand(
            "insert into ledger.merkle_log (origin, tree_hash, signature_algorithm, root_hash) values ($1, $2, $3, $4) on conflict do nothing"))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = origin });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = suite.TreeHasher.Name });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = suite.SignatureAlgorithm });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = suite.TreeHasher.EmptyRoot() });
            await command.ExecuteNonQueryAsync(ct);
        }
        var state = (await GetStateAsync(ct))!;
        if (state.SignatureAlgorithm != suite.SignatureAlgorithm)
            throw new MerkleLogException(
                $"signing key: the log was created for {state.SignatureAlgorithm} signatures over a {state.Hasher.Name} tree; " +
                $"a {suite.KeyAlgorithm} key cannot sign it (a log's algorithms are fixed when it is created)");
        return state;
    }

    private async Task<LogState> RequireStateAsync(CancellationToken ct) =>
        await GetStateAsync(ct) ?? throw new MerkleLogException("the verifiable log has not been created yet (run `ledger log checkpoint`, or `ledger serve`, which keeps it)");

    /// <summary>
    /// Appends every event committed since the last run as a leaf, in commit order, a page per transaction; returns
    /// when it has caught up. One integrator at a time (an advisory lock; others wait).
    /// </summary>
    /// <param name="pageSize">Events per page (one transaction each).</param>
    /// <param name="progress">Leaves added so far, after each page.</param>
    /// <param name="ct">Stops between pages.</param>
    /// <param name="waitForCommitted">How long to wait for what committed before the call. Commit-order reading hands out
    /// an event only once every older transaction of the cluster has ended (any database: transaction ids are
    /// cluster-wide), so a writer still running elsewhere holds back events that have already committed. Zero: take
    /// what can be read now (the background integrator comes back anyway). Positive: keep reading until every
    /// transaction that was running at the call has ended, or the time is up.</param>
    public async Task<IntegrationResult> IntegrateAsync(
        int pageSize = 50_000, IProgress<long>? progress = null, TimeSpan waitForCommitted = default, CancellationToken ct = default)
    {
        if (pageSize is < 1 or > 100_000) throw new MerkleLogException("pageSize", $"must be between 1 and 100000; got {pageSize}");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock({IntegratorLock})", connection)) await take.ExecuteNonQueryAsync(ct);
        var deadline = DateTime.UtcNow + waitForCommitted;
        // Everything after the lock is inside the try: the lock is the session's, and a pooled connection returned
        // still holding it would keep every other integrator waiting.
        try
        {
            var target = await SnapshotBoundAsync(connection, "pg_snapshot_xmax", ct);
            var state = await RequireStateAsync(ct);
            var hasher = state.Hasher;
            var edge = new TileEdge(hasher, state.TreeSize, await ReadTilesAsync(connection, EdgeTiles(state.TreeSize), ct));
            var after = state.Integrated;
            long added = 0;
            while (true)
            {
                var leaves = new List<(long Position, string StreamId, long Version)>(Math.Min(pageSize, 10_000));
                var next = after;
                // Read before the page: the page's own horizon is at least this (it never moves back).
                var horizon = await SnapshotBoundAsync(connection, "pg_snapshot_xmin", ct);
                await using (var read = new NpgsqlCommand(PendingEventsSql + " limit $3", connection))
                {
                    read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after.TransactionId.ToString(CultureInfo.InvariantCulture) });
                    read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Position });
                    read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
                    await using var reader = await read.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        var position = reader.GetInt64(0);
                        var streamId = reader.GetString(1);
                        var version = reader.GetInt64(2);
                        edge.Append(LeafHash(hasher, position, streamId, version, (byte[])reader[3]));
                        leaves.Add((position, streamId, version));
                        next = new GlobalCheckpoint(ulong.Parse(reader.GetString(4), CultureInfo.InvariantCulture), position);
                    }
                }
                if (leaves.Count > 0)
                {
                    added += await AppendPageAsync(connection, edge, leaves, next, ct);
                    after = next;
                    progress?.Report(added);
                }
                // A page short of full held everything readable at its horizon: once that horizon is past what was running
                // at the call (or we were not asked to wait), the log has caught up with the call. Reading on until a page
                // comes back empty would never end while writers keep committing (a checkpoint under sustained load
                // waited until the load paused: found by the failover drill).
                if (leaves.Count < pageSize && (horizon >= target || DateTime.UtcNow >= deadline))
                    return new IntegrationResult(added, edge.Size, edge.Root());
                if (leaves.Count == 0) await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({IntegratorLock})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Writes one page of leaves, the tiles they changed and the log's new row in one transaction; returns the
    /// leaves written.</summary>
    private static async Task<int> AppendPageAsync(
        NpgsqlConnection connection, TileEdge edge, List<(long Position, string StreamId, long Version)> leaves, GlobalCheckpoint next, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var firstIndex = edge.Size - leaves.Count;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy ledger.merkle_leaves (leaf_index, position, stream_id, version) from stdin (format binary)", ct))
        {
            for (var i = 0; i < leaves.Count; i++)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(firstIndex + i, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(leaves[i].Position, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(leaves[i].StreamId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(leaves[i].Version, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }
        var changed = edge.TakeChanged();
        await using (var tiles = new NpgsqlCommand(
            "insert into ledger.merkle_tiles (tile_level, tile_index, hashes) " +
            "select * from unnest($1::smallint[], $2::bigint[], $3::bytea[]) " +
            "on conflict (tile_level, tile_index) do update set hashes = excluded.hashes", connection, transaction))
        {
            tiles.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [.. changed.Keys.Select(k => (short)k.Level)] });
            tiles.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. changed.Keys.Select(k => k.Index)] });
            tiles.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. changed.Values] });
            await tiles.ExecuteNonQueryAsync(ct);
        }
        await using (var update = new NpgsqlCommand(
            "update ledger.merkle_log set tree_size = $1, root_hash = $2, integrated_transaction_id = $3::text::xid8, " +
            "integrated_position = $4, integrated_at = clock_timestamp() where log_id = 1 and tree_size = $5", connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = edge.Size });
            update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = edge.Root() });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = next.TransactionId.ToString(CultureInfo.InvariantCulture) });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = next.Position });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = firstIndex });
            if (await update.ExecuteNonQueryAsync(ct) != 1)
                throw new MerkleLogException($"the log is no longer at size {firstIndex}: another integrator wrote to it without the integrator lock");
        }
        await transaction.CommitAsync(ct);
        return leaves.Count;
    }

    /// <summary>Keeps the log still until the returned handle is disposed: takes the integrator lock on a connection of
    /// its own, so no integrator (nor a checkpoint, which integrates first) changes the log meanwhile; they wait. The
    /// verifier reads the log's row, its leaves and its tiles in several statements, which must agree with each other.</summary>
    public async Task<IAsyncDisposable> HoldStillAsync(CancellationToken ct = default)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var take = new NpgsqlCommand($"select pg_advisory_lock({IntegratorLock})", connection);
            await take.ExecuteNonQueryAsync(ct);
            return new HeldStill(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class HeldStill(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var release = new NpgsqlCommand($"select pg_advisory_unlock({IntegratorLock})", connection);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<ulong> SnapshotBoundAsync(NpgsqlConnection connection, string bound, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select {bound}(pg_current_snapshot())::text", connection);
        return ulong.Parse((string)(await command.ExecuteScalarAsync(ct))!, CultureInfo.InvariantCulture);
    }

    /// <summary>How long <see cref="CheckpointAsync(Signing.CheckpointSigner, string, CancellationToken)"/> waits for transactions running elsewhere in the cluster.</summary>
    public static readonly TimeSpan CheckpointWait = TimeSpan.FromSeconds(30);

    /// <summary>Integrates, then signs a checkpoint of the whole log unless the latest checkpoint already covers it.
    /// Returns the checkpoint that covers the log (null while the log is empty).</summary>
    public Task<Checkpoint?> CheckpointAsync(CheckpointSigner signer, string origin, CancellationToken ct = default) =>
        CheckpointAsync(signer, origin, CheckpointWait, ct);

    /// <summary>As <see cref="CheckpointAsync(CheckpointSigner, string, CancellationToken)"/>, waiting at most
    /// <paramref name="waitForCommitted"/> for the transactions running at the call (see <see cref="IntegrateAsync"/>).</summary>
    public async Task<Checkpoint?> CheckpointAsync(CheckpointSigner signer, string origin, TimeSpan waitForCommitted, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(origin, signer.Suite, ct);
        await IntegrateAsync(waitForCommitted: waitForCommitted, ct: ct);
        var state = await RequireStateAsync(ct);
        var latest = await LatestCheckpointAsync(ct);
        if (state.TreeSize == 0 || latest?.TreeSize == state.TreeSize) return latest;

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        Instant now;
        await using (var clock = new NpgsqlCommand("select clock_timestamp()", connection, transaction))
            now = (Instant)(await clock.ExecuteScalarAsync(ct))!;
        var checkpoint = Checkpoint.Sign(signer, state.Origin, state.TreeSize, state.RootHash, now);
        await using (var key = new NpgsqlCommand(
            "insert into ledger.signing_keys (key_id, algorithm, public_key) values ($1, $2, $3) on conflict (key_id) do nothing", connection, transaction))
        {
            key.Parameters.Add(new NpgsqlParameter<string> { TypedValue = signer.KeyId });
            key.Parameters.Add(new NpgsqlParameter<string> { TypedValue = signer.Suite.SignatureAlgorithm });
            key.Parameters.Add(new NpgsqlParameter<string> { TypedValue = signer.PublicKey.Pem });
            await key.ExecuteNonQueryAsync(ct);
        }
        await using (var insert = new NpgsqlCommand(
            "insert into ledger.merkle_checkpoints (tree_size, root_hash, issued_at, key_id, signature_algorithm, note, signature) " +
            "values ($1, $2, $3, $4, $5, $6, $7) on conflict (tree_size) do nothing", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint.TreeSize });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = checkpoint.RootHash });
            insert.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = checkpoint.IssuedAt });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.KeyId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.SignatureAlgorithm });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.Note });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = checkpoint.Signature });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return await LatestCheckpointAsync(ct);
    }

    private const string CheckpointColumns = "note, signature, tree_size, root_hash, issued_at, key_id, signature_algorithm";

    /// <summary>Every checkpoint, oldest first, as read from its signed note; <see cref="StoredCheckpoint.Problem"/>
    /// says where the table's columns disagree with the note.</summary>
    public async Task<IReadOnlyList<StoredCheckpoint>> CheckpointsAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select {CheckpointColumns} from ledger.merkle_checkpoints order by tree_size");
        return await ReadCheckpointsAsync(command, ct);
    }

    /// <summary>The public key (PEM) registered for <paramref name="keyId"/> in ledger.signing_keys, or null: what a
    /// checkpoint's reader is shown beside it (never what a verifier trusts).</summary>
    public async Task<string?> PublicKeyAsync(string keyId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("select public_key from ledger.signing_keys where key_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyId });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public async Task<Checkpoint?> LatestCheckpointAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select {CheckpointColumns} from ledger.merkle_checkpoints order by tree_size desc limit 1");
        var found = await ReadCheckpointsAsync(command, ct);
        return found.Count == 0 ? null : found[0].Checkpoint ?? throw new MerkleLogException($"checkpoint of size {found[0].TreeSize}: {found[0].Problem}");
    }

    private static async Task<IReadOnlyList<StoredCheckpoint>> ReadCheckpointsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var result = new List<StoredCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var size = reader.GetInt64(2);
            Checkpoint? checkpoint = null;
            string? problem = null;
            try { checkpoint = Checkpoint.FromNote(reader.GetString(0), (byte[])reader[1]); }
            catch (FormatException e) { problem = e.Message; }
            if (checkpoint is not null)
            {
                var differ = new List<string>();
                if (checkpoint.TreeSize != size) differ.Add($"tree_size column {size} but the note says {checkpoint.TreeSize}");
                if (!checkpoint.RootHash.AsSpan().SequenceEqual((byte[])reader[3])) differ.Add("root_hash column differs from the note");
                if (checkpoint.IssuedAt != reader.GetFieldValue<Instant>(4)) differ.Add("issued_at column differs from the note");
                if (checkpoint.KeyId != reader.GetString(5)) differ.Add($"key_id column {reader.GetString(5)} but the note says {checkpoint.KeyId}");
                if (checkpoint.SignatureAlgorithm != reader.GetString(6)) differ.Add("signature_algorithm column differs from the note");
                if (differ.Count > 0) problem = string.Join("; ", differ);
            }
            result.Add(new StoredCheckpoint(size, checkpoint, problem));
        }
        return result;
    }

    public async Task<IReadOnlyList<LeafEntry>> LeavesOfPositionsAsync(IReadOnlyCollection<long> positions, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "select leaf_index, position, stream_id, version from ledger.merkle_leaves where position = any($1) order by leaf_index");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. positions] });
        var leaves = new List<LeafEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) leaves.Add(new LeafEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3)));
        return leaves;
    }

    /// <summary>Inclusion proofs of leaves in the tree of <paramref name="treeSize"/> leaves (at most the log's size),
    /// reading every tile they need in one query.</summary>
    public async Task<IReadOnlyList<InclusionProof>> InclusionProofsAsync(IReadOnlyList<long> leafIndexes, long treeSize, CancellationToken ct = default)
    {
        var state = await RequireStateAsync(ct);
        if (treeSize < 1 || treeSize > state.TreeSize)
            throw new MerkleLogException("treeSize", $"must be between 1 and the log's size {state.TreeSize}; got {treeSize}");
        foreach (var index in leafIndexes)
            if (index < 0 || index >= treeSize) throw new MerkleLogException("leafIndex", $"must be in [0, {treeSize}); got {index}");
        var ranges = leafIndexes.Select(i => MerkleTree.InclusionRanges(i, treeSize)).ToList();
        var hashes = await RangeHashesAsync(state.Hasher, ranges.SelectMany(r => r).ToList(), ct);
        return [.. leafIndexes.Select((index, i) => new InclusionProof(index, treeSize, [.. ranges[i].Select(r => hashes[r])]))];
    }

    public async Task<ConsistencyProof> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken ct = default)
    {
        var state = await RequireStateAsync(ct);
        if (fromSize < 0 || fromSize > toSize) throw new MerkleLogException("fromSize", $"must be between 0 and toSize ({toSize}); got {fromSize}");
        if (toSize > state.TreeSize) throw new MerkleLogException("toSize", $"must be at most the log's size {state.TreeSize}; got {toSize}");
        var ranges = MerkleTree.ConsistencyRanges(fromSize, toSize);
        var hashes = await RangeHashesAsync(state.Hasher, ranges, ct);
        return new ConsistencyProof(fromSize, toSize, [.. ranges.Select(r => hashes[r])]);
    }

    /// <summary>The root of the tree of the first <paramref name="treeSize"/> leaves, from stored tiles.</summary>
    public async Task<byte[]> RootAsync(long treeSize, CancellationToken ct = default)
    {
        var state = await RequireStateAsync(ct);
        if (treeSize < 0 || treeSize > state.TreeSize) throw new MerkleLogException("treeSize", $"must be between 0 and the log's size {state.TreeSize}; got {treeSize}");
        if (treeSize == 0) return state.Hasher.EmptyRoot();
        var range = new LeafRange(0, treeSize);
        return (await RangeHashesAsync(state.Hasher, [range], ct))[range];
    }

    private async Task<Dictionary<LeafRange, byte[]>> RangeHashesAsync(TreeHasher hasher, IReadOnlyList<LeafRange> ranges, CancellationToken ct)
    {
        var wanted = ranges.SelectMany(MerkleTree.Decompose).Select(n => Tiles.Locate(n).Tile).Distinct().ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var tiles = await ReadTilesAsync(connection, wanted, ct);
        var result = new Dictionary<LeafRange, byte[]>();
        foreach (var range in ranges)
            result[range] = MerkleTree.RangeHash(hasher, range, node =>
            {
                var span = Tiles.Locate(node);
                return tiles.TryGetValue(span.Tile, out var hashes)
                    ? Tiles.NodeHash(hasher, span, hashes)
                    : throw new MerkleLogException($"tile ({span.TileLevel}, {span.TileIndex}) is missing from ledger.merkle_tiles");
            });
        return result;
    }

    /// <summary>The rightmost tile of each level of a tree of <paramref name="size"/> leaves that holds anything.</summary>
    private static IReadOnlyList<(int Level, long Index)> EdgeTiles(long size)
    {
        var tiles = new List<(int, long)>();
        for (var level = 0; (size >> (Tiles.Height * level)) > 0; level++)
        {
            var count = size >> (Tiles.Height * level);
            if (count % Tiles.Width != 0) tiles.Add((level, count / Tiles.Width));
        }
        return tiles;
    }

    /// <summary>The stored tiles among <paramref name="tiles"/> (missing ones are absent), in one query.</summary>
    internal static async Task<Dictionary<(int Level, long Index), byte[][]>> ReadTilesAsync(
        NpgsqlConnection connection, IReadOnlyCollection<(int Level, long Index)> tiles, CancellationToken ct)
    {
        var result = new Dictionary<(int Level, long Index), byte[][]>();
        if (tiles.Count == 0) return result;
        await using var command = new NpgsqlCommand(
            "select t.tile_level, t.tile_index, t.hashes from ledger.merkle_tiles t " +
            "join unnest($1::smallint[], $2::bigint[]) as wanted(tile_level, tile_index) using (tile_level, tile_index)", connection);
        command.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [.. tiles.Select(t => (short)t.Level)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. tiles.Select(t => t.Index)] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result[(reader.GetInt16(0), reader.GetInt64(1))] = Tiles.Split((byte[])reader[2]);
        return result;
    }
}

/// <summary>A checkpoint row: the checkpoint read from its note, or the <see cref="Problem"/> that stopped it being read
/// or that its columns have with it.</summary>
public sealed record StoredCheckpoint(long TreeSize, Checkpoint? Checkpoint, string? Problem);
