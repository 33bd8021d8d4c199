namespace Ledger.Integrity.Merkle;

/// <summary>A whole tree in memory (every complete subtree's hash): proofs for small logs and for tests.</summary>
public sealed class InMemoryTree
{
    private readonly TreeHasher _hasher;
    private readonly List<List<byte[]>> _levels = [[]];

    public InMemoryTree(TreeHasher hasher) => _hasher = hasher;

    public long Size => _levels[0].Count;

    public void AppendLeafHash(byte[] leafHash)
    {
        _levels[0].Add(leafHash);
        // A node completes when its right child does.
        for (var level = 0; _levels[level].Count % 2 == 0; level++)
        {
            if (_levels.Count == level + 1) _levels.Add([]);
            var row = _levels[level];
            _levels[level + 1].Add(_hasher.HashChildren(row[^2], row[^1]));
        }
    }

    public byte[] Node(TreeNode node) => _levels[node.Level][checked((int)node.Index)];

    public byte[] Root(long size) => size == 0 ? _hasher.EmptyRoot() : MerkleTree.RangeHash(_hasher, new LeafRange(0, size), Node);

    public IReadOnlyList<byte[]> InclusionProof(long index, long size) =>
        [.. MerkleTree.InclusionRanges(index, size).Select(r => MerkleTree.RangeHash(_hasher, r, Node))];

    public IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2) =>
        [.. MerkleTree.ConsistencyRanges(size1, size2).Select(r => MerkleTree.RangeHash(_hasher, r, Node))];
}
