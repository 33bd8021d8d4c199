namespace Ledger.Integrity.Merkle;

/// <summary>
/// The right edge of a growing tree: the roots of the complete subtrees that cover leaves [0, size), one per set
/// bit of size. Appending a leaf merges equal-sized neighbours, so the root of every prefix of a log is available
/// while streaming its leaves once — how <c>ledger verify</c> checks every checkpoint against the events.
/// </summary>
public sealed class CompactRange(TreeHasher hasher)
{
    private readonly List<(int Level, byte[] Hash)> _nodes = [];

    public long Size { get; private set; }

    public void Append(byte[] leafHash)
    {
        var level = 0;
        var hash = leafHash;
        while (_nodes.Count > 0 && _nodes[^1].Level == level)
        {
            hash = hasher.HashChildren(_nodes[^1].Hash, hash);
            _nodes.RemoveAt(_nodes.Count - 1);
            level++;
        }
        _nodes.Add((level, hash));
        Size++;
    }

    /// <summary>MTH of leaves [0, <see cref="Size"/>).</summary>
    public byte[] Root()
    {
        if (_nodes.Count == 0) return hasher.EmptyRoot();
        var hash = _nodes[^1].Hash;
        for (var i = _nodes.Count - 2; i >= 0; i--) hash = hasher.HashChildren(_nodes[i].Hash, hash);
        return hash;
    }
}
