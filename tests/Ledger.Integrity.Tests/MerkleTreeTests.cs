using System.Text;
using Ledger.Integrity.Merkle;

namespace Ledger.Integrity.Tests;

/// <summary>RFC 9162 §2.1 against the published test vectors (transparency-dev/merkle testonly/constants.go, the same
/// vectors as RFC 6962's reference implementation), then every proof of small trees, then every way to spoil one.</summary>
public sealed class MerkleTreeTests
{
    private static readonly TreeHasher Sha256 = TreeHasher.Sha256;

    private static readonly string[] VectorLeaves =
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] VectorRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static List<byte[]> VectorLeafHashes() => [.. VectorLeaves.Select(l => Sha256.HashLeaf(Hex(l)))];

    [Fact]
    public void The_roots_of_the_eight_test_vector_trees_match_by_every_path()
    {
        var leafHashes = VectorLeafHashes();
        var tree = new InMemoryTree(Sha256);
        var compact = new CompactRange(Sha256);
        Convert.ToHexStringLower(tree.Root(0)).ShouldBe(VectorRoots[0]);
        Convert.ToHexStringLower(compact.Root()).ShouldBe(VectorRoots[0]);
        for (var size = 1; size <= 8; size++)
        {
            tree.AppendLeafHash(leafHashes[size - 1]);
            compact.Append(leafHashes[size - 1]);
            Convert.ToHexStringLower(MerkleTree.Root(Sha256, leafHashes[..size])).ShouldBe(VectorRoots[size], $"reference MTH, size {size}");
            Convert.ToHexStringLower(tree.Root(size)).ShouldBe(VectorRoots[size], $"from complete subtrees, size {size}");
            Convert.ToHexStringLower(compact.Root()).ShouldBe(VectorRoots[size], $"compact range, size {size}");
        }
    }

    [Theory]
    [InlineData(0, 8, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]
    [InlineData(5, 8, "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    [InlineData(2, 3, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]
    // (1, 5): leaf 0 (the size-1 root), MTH(D[2:4]) and MTH(D[4:5]) as the vectors give them in the proofs above.
    [InlineData(1, 5, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")]
    public void Inclusion_proofs_of_the_test_vectors(long index, long size, params string[] expected)
    {
        var tree = new InMemoryTree(Sha256);
        foreach (var leaf in VectorLeafHashes()) tree.AppendLeafHash(leaf);
        var proof = tree.InclusionProof(index, size);
        proof.Select(Convert.ToHexStringLower).ShouldBe(expected);
        MerkleTree.VerifyInclusion(Sha256, index, size, VectorLeafHashes()[(int)index], proof, Hex(VectorRoots[size])).ShouldBeTrue();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 8, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]
    [InlineData(6, 8, "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    [InlineData(2, 5, "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")]
    public void Consistency_proofs_of_the_test_vectors(long size1, long size2, params string[] expected)
    {
        var tree = new InMemoryTree(Sha256);
        foreach (var leaf in VectorLeafHashes()) tree.AppendLeafHash(leaf);
        var proof = tree.ConsistencyProof(size1, size2);
        proof.Select(Convert.ToHexStringLower).ShouldBe(expected);
        MerkleTree.VerifyConsistency(Sha256, size1, size2, Hex(VectorRoots[size1]), Hex(VectorRoots[size2]), proof).ShouldBeTrue();
    }

    private static (InMemoryTree Tree, List<byte[]> Leaves) TreeOf(int size, TreeHasher? hasher = null)
    {
        hasher ??= Sha256;
        var tree = new InMemoryTree(hasher);
        var leaves = new List<byte[]>();
        for (var i = 0; i < size; i++)
        {
            leaves.Add(hasher.HashLeaf(Encoding.UTF8.GetBytes($"leaf {i}")));
            tree.AppendLeafHash(leaves[^1]);
        }
        return (tree, leaves);
    }

    [Fact]
    public void Every_inclusion_proof_up_to_300_leaves_verifies_and_fails_with_a_wrong_index_size_or_path_length()
    {
        var (tree, leaves) = TreeOf(301);
        var roots = Enumerable.Range(0, 302).Select(s => tree.Root(s)).ToArray();
        var checkedProofs = 0;
        for (long size = 1; size <= 300; size++)
        {
            MerkleTree.Root(Sha256, leaves[..(int)size]).ShouldBe(roots[size], $"root of {size}");
            for (long index = 0; index < size; index++)
            {
                var proof = tree.InclusionProof(index, size);
                var leaf = leaves[(int)index];
                MerkleTree.VerifyInclusion(Sha256, index, size, leaf, proof, roots[size]).ShouldBeTrue($"({index}, {size})");
                if (index + 1 < size) MerkleTree.VerifyInclusion(Sha256, index + 1, size, leaf, proof, roots[size]).ShouldBeFalse($"index {index}+1 of {size}");
                if (index > 0) MerkleTree.VerifyInclusion(Sha256, index - 1, size, leaf, proof, roots[size]).ShouldBeFalse($"index {index}-1 of {size}");
                // A wrong size is checked with that size's own root, as a verifier holding a checkpoint of that size would:
                // RFC 9162's algorithm alone accepts some proofs under a neighbouring size with the same root, which is
                // why (size, root) must always come together from a signed checkpoint.
                MerkleTree.VerifyInclusion(Sha256, index, size + 1, leaf, proof, roots[size + 1]).ShouldBeFalse($"size {size}+1 for {index}");
                if (index < size - 1) MerkleTree.VerifyInclusion(Sha256, index, size - 1, leaf, proof, roots[size - 1]).ShouldBeFalse($"size {size}-1 for {index}");
                MerkleTree.VerifyInclusion(Sha256, index, size, leaf, proof, roots[size + 1]).ShouldBeFalse($"another tree's root for ({index}, {size})");
                MerkleTree.VerifyInclusion(Sha256, index, size, leaves[(int)((index + 1) % size)], proof, roots[size]).ShouldBe(size == 1, $"another leaf at ({index}, {size})");
                if (proof.Count > 0)
                {
                    MerkleTree.VerifyInclusion(Sha256, index, size, leaf, proof.Take(proof.Count - 1).ToList(), roots[size]).ShouldBeFalse($"truncated ({index}, {size})");
                    MerkleTree.VerifyInclusion(Sha256, index, size, leaf, proof.Skip(1).ToList(), roots[size]).ShouldBeFalse($"first element cut ({index}, {size})");
                }
                MerkleTree.VerifyInclusion(Sha256, index, size, leaf, [.. proof, roots[size]], roots[size]).ShouldBeFalse($"extended ({index}, {size})");
                MerkleTree.VerifyInclusion(Sha256, index, size, leaf, [.. proof, new byte[32]], roots[size]).ShouldBeFalse($"extended by zeros ({index}, {size})");
                checkedProofs++;
            }
        }
        checkedProofs.ShouldBe(300 * 301 / 2);
    }

    [Fact]
    public void Every_consistency_proof_up_to_100_leaves_verifies_and_fails_with_wrong_sizes_roots_or_path_length()
    {
        var (tree, _) = TreeOf(101);
        var checkedProofs = 0;
        for (long size2 = 1; size2 <= 100; size2++)
        for (long size1 = 1; size1 <= size2; size1++)
        {
            var proof = tree.ConsistencyProof(size1, size2);
            var (root1, root2) = (tree.Root(size1), tree.Root(size2));
            MerkleTree.VerifyConsistency(Sha256, size1, size2, root1, root2, proof).ShouldBeTrue($"({size1}, {size2})");
            // Wrong sizes are checked with their own roots (see the inclusion test for why).
            MerkleTree.VerifyConsistency(Sha256, size1, size2 + 1, root1, tree.Root(size2 + 1), proof).ShouldBeFalse($"second size +1 ({size1}, {size2})");
            if (size1 > 1) MerkleTree.VerifyConsistency(Sha256, size1 - 1, size2, tree.Root(size1 - 1), root2, proof).ShouldBeFalse($"first size -1 ({size1}, {size2})");
            if (size1 < size2)
            {
                MerkleTree.VerifyConsistency(Sha256, size1 + 1, size2, tree.Root(size1 + 1), root2, proof).ShouldBeFalse($"first size +1 ({size1}, {size2})");
                MerkleTree.VerifyConsistency(Sha256, size1, size2, tree.Root(size1 - 1), root2, proof).ShouldBeFalse($"wrong first root ({size1}, {size2})");
                MerkleTree.VerifyConsistency(Sha256, size1, size2, root1, tree.Root(size2 + 1), proof).ShouldBeFalse($"wrong second root ({size1}, {size2})");
                MerkleTree.VerifyConsistency(Sha256, size1, size2, root1, root2, proof.Take(proof.Count - 1).ToList()).ShouldBeFalse($"truncated ({size1}, {size2})");
                MerkleTree.VerifyConsistency(Sha256, size1, size2, root1, root2, proof.Skip(1).ToList()).ShouldBeFalse($"first element cut ({size1}, {size2})");
                MerkleTree.VerifyConsistency(Sha256, size1, size2, root1, root2, [.. proof, root2]).ShouldBeFalse($"extended ({size1}, {size2})");
            }
            else
            {
                MerkleTree.VerifyConsistency(Sha256, size1, size2, root1, root2, [root1]).ShouldBeFalse($"equal sizes with a non-empty proof ({size1})");
            }
            checkedProofs++;
        }
        checkedProofs.ShouldBe(100 * 101 / 2);
    }

    [Fact]
    public void Every_single_bit_flip_in_a_proof_its_leaf_or_its_root_fails()
    {
        var (tree, leaves) = TreeOf(40);
        var flips = 0;
        for (long size = 1; size <= 40; size++)
        {
            var root = tree.Root(size);
            for (long index = 0; index < size; index++)
            {
                var proof = tree.InclusionProof(index, size);
                var leaf = leaves[(int)index];
                foreach (var bit in Bits())
                {
                    MerkleTree.VerifyInclusion(Sha256, index, size, Flip(leaf, bit), proof, root).ShouldBeFalse();
                    MerkleTree.VerifyInclusion(Sha256, index, size, leaf, proof, Flip(root, bit)).ShouldBeFalse();
                    for (var e = 0; e < proof.Count; e++)
                    {
                        var spoiled = proof.ToList();
                        spoiled[e] = Flip(proof[e], bit);
                        MerkleTree.VerifyInclusion(Sha256, index, size, leaf, spoiled, root).ShouldBeFalse($"inclusion ({index}, {size}) element {e} bit {bit}");
                        flips++;
                    }
                }
            }
            for (long size1 = 1; size1 < size; size1++)
            {
                var proof = tree.ConsistencyProof(size1, size);
                var root1 = tree.Root(size1);
                foreach (var bit in Bits())
                {
                    MerkleTree.VerifyConsistency(Sha256, size1, size, Flip(root1, bit), root, proof).ShouldBeFalse();
                    MerkleTree.VerifyConsistency(Sha256, size1, size, root1, Flip(root, bit), proof).ShouldBeFalse();
                    for (var e = 0; e < proof.Count; e++)
                    {
                        var spoiled = proof.ToList();
                        spoiled[e] = Flip(proof[e], bit);
                        MerkleTree.VerifyConsistency(Sha256, size1, size, root1, root, spoiled).ShouldBeFalse($"consistency ({size1}, {size}) element {e} bit {bit}");
                        flips++;
                    }
                }
            }
        }
        flips.ShouldBeGreaterThan(500_000);
    }

    private static IEnumerable<int> Bits() => Enumerable.Range(0, TreeHasher.HashLength * 8);

    private static byte[] Flip(byte[] hash, int bit)
    {
        var copy = hash.ToArray();
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    [Fact]
    public void SM3_trees_follow_the_same_algorithms_with_their_own_hash()
    {
        // GB/T 32905 example 1: SM3("abc").
        Convert.ToHexStringLower(TreeHasher.Sm3.EmptyRoot()).ShouldBe("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
        var (tree, leaves) = TreeOf(37, TreeHasher.Sm3);
        for (long size = 1; size <= 37; size++)
        {
            tree.Root(size).ShouldBe(MerkleTree.Root(TreeHasher.Sm3, leaves[..(int)size]));
            for (long index = 0; index < size; index++)
                MerkleTree.VerifyInclusion(TreeHasher.Sm3, index, size, leaves[(int)index], tree.InclusionProof(index, size), tree.Root(size)).ShouldBeTrue();
            MerkleTree.VerifyInclusion(Sha256, 0, size, leaves[0], tree.InclusionProof(0, size), tree.Root(size)).ShouldBe(size == 1);
        }
    }

    [Fact]
    public void A_range_that_does_not_split_into_complete_subtrees_is_refused()
    {
        Should.Throw<ArgumentException>(() => MerkleTree.Decompose(new LeafRange(1, 5))).Message.ShouldContain("not aligned");
        MerkleTree.Decompose(new LeafRange(8, 15)).ShouldBe([new TreeNode(2, 2), new TreeNode(1, 6), new TreeNode(0, 14)]);
        Should.Throw<ArgumentOutOfRangeException>(() => MerkleTree.InclusionRanges(5, 5));
        Should.Throw<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyRanges(6, 5));
    }
}
