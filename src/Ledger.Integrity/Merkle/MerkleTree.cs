using System.Numerics;

namespace Ledger.Integrity.Merkle;

/// <summary>Leaves [<see cref="Start"/>, <see cref="End"/>) of a log, whose Merkle tree hash a proof carries.</summary>
public readonly record struct LeafRange(long Start, long End)
{
    public long Size => End - Start;

    public override string ToString() => $"[{Start}, {End})";
}

/// <summary>A complete subtree: 2^<see cref="Level"/> leaves from <see cref="Index"/> · 2^<see cref="Level"/>.
/// Once its last leaf is in the log its hash never changes, which is what lets proofs be served from stored tiles.</summary>
public readonly record struct TreeNode(int Level, long Index)
{
    public long Start => Index << Level;
    public long End => (Index + 1) << Level;
}

/// <summary>
/// The Merkle tree algorithms of RFC 9162 §2.1: tree hashes, inclusion proofs (§2.1.3) and consistency proofs
/// (§2.1.4). Pure functions over leaf counts; where hashes come from (memory, stored tiles) is the caller's.
/// Proof generation is split in two: which ranges a proof needs (<see cref="InclusionRanges"/>,
/// <see cref="ConsistencyRanges"/>), then their hashes (<see cref="RangeHash"/>), so a store can fetch every
/// node a proof needs in one round trip.
/// </summary>
public static class MerkleTree
{
    /// <summary>MTH over a list of leaf hashes (RFC 9162 §2.1.1), computed directly: the reference the faster
    /// paths are tested against.</summary>
    public static byte[] Root(TreeHasher hasher, IReadOnlyList<byte[]> leafHashes) =>
        leafHashes.Count == 0 ? hasher.EmptyRoot() : ReferenceHash(hasher, leafHashes, 0, leafHashes.Count);

    private static byte[] ReferenceHash(TreeHasher hasher, IReadOnlyList<byte[]> leaves, int start, int end)
    {
        if (end - start == 1) return leaves[start];
        var k = (int)LargestPowerOfTwoBelow(end - start);
        return hasher.HashChildren(ReferenceHash(hasher, leaves, start, start + k), ReferenceHash(hasher, leaves, start + k, end));
    }

    /// <summary>The largest power of two strictly less than <paramref name="n"/> (n ≥ 2): RFC 9162's k.</summary>
    public static long LargestPowerOfTwoBelow(long n)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), n, "must be at least 2");
        return 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));
    }

    /// <summary>The ranges whose hashes form the inclusion proof of leaf <paramref name="index"/> in the tree of
    /// the first <paramref name="size"/> leaves, bottom first: RFC 9162 §2.1.3.1 PATH(m, D[n]).</summary>
    public static IReadOnlyList<LeafRange> InclusionRanges(long index, long size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "tree size must be at least 1");
        if (index < 0 || index >= size) throw new ArgumentOutOfRangeException(nameof(index), index, $"leaf index must be in [0, {size})");
        var path = new List<LeafRange>();
        Path(index, 0, size, path);
        return path;
    }

    private static void Path(long m, long start, long end, List<LeafRange> path)
    {
        var n = end - start;
        if (n == 1) return;
        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            Path(m, start, start + k, path);
            path.Add(new LeafRange(start + k, end));
        }
        else
        {
            Path(m - k, start + k, end, path);
            path.Add(new LeafRange(start, start + k));
        }
    }

    /// <summary>The ranges whose hashes form the consistency proof between the trees of the first
    /// <paramref name="size1"/> and <paramref name="size2"/> leaves: RFC 9162 §2.1.4.1 PROOF(m, D[n]).
    /// Empty when the sizes are equal or the first tree is empty.</summary>
    public static IReadOnlyList<LeafRange> ConsistencyRanges(long size1, long size2)
    {
        if (size1 < 0) throw new ArgumentOutOfRangeException(nameof(size1), size1, "tree size must not be negative");
        if (size2 < size1) throw new ArgumentOutOfRangeException(nameof(size2), size2, $"second tree size must be at least the first ({size1})");
        var proof = new List<LeafRange>();
        if (size1 > 0 && size1 < size2) SubProof(size1, 0, size2, true, proof);
        return proof;
    }

    private static void SubProof(long m, long start, long end, bool completeSubtree, List<LeafRange> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!completeSubtree) proof.Add(new LeafRange(start, end));
            return;
        }
        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            SubProof(m, start, start + k, completeSubtree, proof);
            proof.Add(new LeafRange(start + k, end));
        }
        else
        {
            SubProof(m - k, start + k, end, false, proof);
            proof.Add(new LeafRange(start, start + k));
        }
    }

    /// <summary>The complete subtrees a range is made of, left to right (largest first). Every range a proof or a
    /// root needs starts at a multiple of its largest power of two, so it splits exactly into nodes.</summary>
    public static IReadOnlyList<TreeNode> Decompose(LeafRange range)
    {
        if (range.Size < 1) throw new ArgumentOutOfRangeException(nameof(range), range, "range must hold at least one leaf");
        var nodes = new List<TreeNode>();
        var start = range.Start;
        var remaining = range.Size;
        while (remaining > 0)
        {
            var level = 63 - BitOperations.LeadingZeroCount((ulong)remaining);
            if ((start & ((1L << level) - 1)) != 0)
                throw new ArgumentException($"range {range} is not aligned to complete subtrees (start {start} is not a multiple of {1L << level})");
            nodes.Add(new TreeNode(level, start >> level));
            start += 1L << level;
            remaining -= 1L << level;
        }
        return nodes;
    }

    /// <summary>MTH of a range from the hashes of its complete subtrees: RFC 9162 splits at the largest power of two,
    /// so the tree over the decomposition folds from the right.</summary>
    public static byte[] RangeHash(TreeHasher hasher, LeafRange range, Func<TreeNode, byte[]> nodeHash)
    {
        var nodes = Decompose(range);
        var hash = nodeHash(nodes[^1]);
        for (var i = nodes.Count - 2; i >= 0; i--) hash = hasher.HashChildren(nodeHash(nodes[i]), hash);
        return hash;
    }

    /// <summary>Checks an inclusion proof: RFC 9162 §2.1.3.2. Take <paramref name="size"/> and
    /// <paramref name="root"/> from a signed checkpoint; a proof on its own authenticates neither.</summary>
    public static bool VerifyInclusion(
        TreeHasher hasher, long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index < 0 || size < 1 || index >= size || leafHash.Length != TreeHasher.HashLength) return false;
        var fn = index;
        var sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0 || p is null || p.Length != TreeHasher.HashLength) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = hasher.HashChildren(p, r);
                if ((fn & 1) == 0) ShiftWhileEven(ref fn, ref sn);
            }
            else
            {
                r = hasher.HashChildren(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>RFC 9162's "right-shift fn and sn equally until either LSB(fn) is set or fn is 0".</summary>
    private static void ShiftWhileEven(ref long fn, ref long sn)
    {
        while (fn != 0 && (fn & 1) == 0) { fn >>= 1; sn >>= 1; }
    }

    /// <summary>Checks a consistency proof: RFC 9162 §2.1.4.2. Equal sizes need an empty proof and equal roots;
    /// the empty tree is consistent with every tree.</summary>
    public static bool VerifyConsistency(
        TreeHasher hasher, long size1, long size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        if (size1 < 0 || size2 < size1) return false;
        if (size1 == size2) return proof.Count == 0 && root1.SequenceEqual(root2);
        if (size1 == 0) return proof.Count == 0;
        if (proof.Count == 0 || proof.Any(p => p is null || p.Length != TreeHasher.HashLength)) return false;

        var path = new List<byte[]>(proof);
        if (BitOperations.IsPow2(size1)) path.Insert(0, root1.ToArray());
        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1) { fn >>= 1; sn >>= 1; }
        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = hasher.HashChildren(c, fr);
                sr = hasher.HashChildren(c, sr);
                if ((fn & 1) == 0) ShiftWhileEven(ref fn, ref sn);
            }
            else
            {
                sr = hasher.HashChildren(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr.AsSpan().SequenceEqual(root1) && sr.AsSpan().SequenceEqual(root2);
    }
}
