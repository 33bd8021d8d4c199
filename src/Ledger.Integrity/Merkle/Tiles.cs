namespace Ledger.Integrity.Merkle;

/// <summary>Where a complete subtree's hash is found: tile (<see cref="TileLevel"/>, <see cref="TileIndex"/>) holds
/// tree level 8·TileLevel; the node is the perfect tree over <see cref="Count"/> hashes from <see cref="Offset"/>.</summary>
public readonly record struct TileSpan(int TileLevel, long TileIndex, int Offset, int Count)
{
    public (int Level, long Index) Tile => (TileLevel, TileIndex);
}

/// <summary>
/// The tile layout: complete-subtree hashes stored 256 to a row (tile height 8), as Go's tlog and C2SP's tiled logs
/// do. A node between two tile levels is recomputed from at most 128 stored hashes; a proof over 10 million leaves
/// reads about a dozen tiles.
/// </summary>
public static class Tiles
{
    public const int Height = 8;
    public const int Width = 1 << Height;

    public static TileSpan Locate(TreeNode node)
    {
        var tileLevel = node.Level / Height;
        var within = node.Level % Height;
        var first = node.Index << within;
        return new TileSpan(tileLevel, first >> Height, (int)(first & (Width - 1)), 1 << within);
    }

    /// <summary>The hash of a node from its tile's hashes (the perfect tree over the span).</summary>
    public static byte[] NodeHash(TreeHasher hasher, TileSpan span, IReadOnlyList<byte[]> tileHashes)
    {
        if (span.Offset + span.Count > tileHashes.Count)
            throw new InvalidOperationException(
                $"tile ({span.TileLevel}, {span.TileIndex}) holds {tileHashes.Count} hashes; the node needs {span.Offset + span.Count} (the tree is smaller than the proof asked for)");
        var row = new byte[span.Count][];
        for (var i = 0; i < span.Count; i++) row[i] = tileHashes[span.Offset + i];
        for (var width = span.Count; width > 1; width /= 2)
            for (var i = 0; i < width / 2; i++) row[i] = hasher.HashChildren(row[2 * i], row[2 * i + 1]);
        return row[0];
    }

    public static byte[][] Split(byte[] stored)
    {
        var hashes = new byte[stored.Length / TreeHasher.HashLength][];
        for (var i = 0; i < hashes.Length; i++) hashes[i] = stored.AsSpan(i * TreeHasher.HashLength, TreeHasher.HashLength).ToArray();
        return hashes;
    }

    public static byte[] Join(IReadOnlyList<byte[]> hashes)
    {
        var stored = new byte[hashes.Count * TreeHasher.HashLength];
        for (var i = 0; i < hashes.Count; i++) hashes[i].CopyTo(stored, i * TreeHasher.HashLength);
        return stored;
    }
}

/// <summary>
/// The rightmost tile of every level of a growing tree, in memory: appending a leaf fills level 0; a full tile's root
/// (the hash of 256 nodes) is appended to the level above. Everything the root of the tree needs is on this edge.
/// </summary>
public sealed class TileEdge
{
    private readonly TreeHasher _hasher;
    private readonly List<List<byte[]>> _rows = [];
    private readonly List<long> _tileIndexes = [];
    // Tiles completed since the last TakeChanged (joined once, when they fill) and the levels whose rightmost tile
    // grew (joined when taken: joining on every append would copy up to 8 KB per leaf).
    private readonly Dictionary<(int Level, long Index), byte[]> _completed = [];
    private readonly SortedSet<int> _grownLevels = [];

    public TileEdge(TreeHasher hasher, long size, IReadOnlyDictionary<(int Level, long Index), byte[][]> partialTiles)
    {
        _hasher = hasher;
        Size = size;
        // Level L's rightmost tile starts at node (size >> 8L) rounded down to a multiple of 256.
        for (var level = 0; level == 0 || (size >> (Tiles.Height * level)) > 0; level++)
        {
            var count = size >> (Tiles.Height * level);
            var index = count / Tiles.Width;
            var held = (int)(count % Tiles.Width);
            var hashes = held == 0 ? [] : partialTiles.TryGetValue((level, index), out var stored) ? stored : [];
            if (hashes.Length < held)
                throw new InvalidOperationException($"tile ({level}, {index}) holds {hashes.Length} hashes; a tree of {size} leaves needs {held}");
            _rows.Add([.. hashes.Take(held)]);
            _tileIndexes.Add(index);
        }
    }

    public long Size { get; private set; }

    public void Append(byte[] leafHash)
    {
        var hash = leafHash;
        for (var level = 0; ; level++)
        {
            if (level == _rows.Count) { _rows.Add([]); _tileIndexes.Add(0); }
            var row = _rows[level];
            row.Add(hash);
            if (row.Count < Tiles.Width)
            {
                _grownLevels.Add(level);
                break;
            }
            _completed[(level, _tileIndexes[level])] = Tiles.Join(row);
            _grownLevels.Remove(level);
            hash = Tiles.NodeHash(_hasher, new TileSpan(level, _tileIndexes[level], 0, Tiles.Width), row);
            row.Clear();
            _tileIndexes[level]++;
        }
        Size++;
    }

    /// <summary>The tiles written or extended since the last call, as stored bytes.</summary>
    public IReadOnlyDictionary<(int Level, long Index), byte[]> TakeChanged()
    {
        var changed = new Dictionary<(int Level, long Index), byte[]>(_completed);
        foreach (var level in _grownLevels) changed[(level, _tileIndexes[level])] = Tiles.Join(_rows[level]);
        _completed.Clear();
        _grownLevels.Clear();
        return changed;
    }

    public byte[] Root() =>
        Size == 0 ? _hasher.EmptyRoot() : MerkleTree.RangeHash(_hasher, new LeafRange(0, Size), node =>
        {
            var span = Tiles.Locate(node);
            if (span.TileIndex != _tileIndexes[span.TileLevel])
                throw new InvalidOperationException($"node {node} is not on the tree's right edge");
            return Tiles.NodeHash(_hasher, span, _rows[span.TileLevel]);
        });
}
