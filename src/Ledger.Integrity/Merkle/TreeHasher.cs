using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace Ledger.Integrity.Merkle;

/// <summary>
/// The hash of a Merkle log (RFC 9162 §2.1.1): leaves as HASH(0x00 ‖ leaf), interior nodes as
/// HASH(0x01 ‖ left ‖ right); the domain-separation prefixes stop a leaf from passing as a node (second-preimage).
/// SHA-256 by default; SM3 (GB/T 32905) when a bureau's cryptography assessment requires national algorithms.
/// The algorithm is fixed when a log is created and recorded with it.
/// </summary>
public abstract class TreeHasher
{
    public const int HashLength = 32;
    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>The name recorded with the log: <c>sha-256</c> or <c>sm3</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The hash of one contiguous input.</summary>
    protected abstract byte[] HashOf(ReadOnlySpan<byte> data);

    /// <summary>The root of the empty tree: the hash of nothing.</summary>
    public byte[] EmptyRoot() => HashOf([]);

    public byte[] HashLeaf(ReadOnlySpan<byte> leaf)
    {
        // Leaves are event references of a few hundred bytes: build the prefixed input on the stack.
        var buffer = leaf.Length < 1024 ? stackalloc byte[leaf.Length + 1] : new byte[leaf.Length + 1];
        buffer[0] = LeafPrefix;
        leaf.CopyTo(buffer[1..]);
        return HashOf(buffer);
    }

    public byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != HashLength || right.Length != HashLength)
            throw new ArgumentException($"child hashes must be {HashLength} bytes; got {left.Length} and {right.Length}");
        Span<byte> buffer = stackalloc byte[1 + 2 * HashLength];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashLength)..]);
        return HashOf(buffer);
    }

    public static TreeHasher Sha256 { get; } = new Sha256TreeHasher();
    public static TreeHasher Sm3 { get; } = new Sm3TreeHasher();

    public static IReadOnlyList<string> Names { get; } = ["sha-256", "sm3"];

    public static TreeHasher ForName(string name) => name switch
    {
        "sha-256" => Sha256,
        "sm3" => Sm3,
        _ => throw new ArgumentException($"tree hash '{name}' is not known; use one of {string.Join(", ", Names)}"),
    };

    private sealed class Sha256TreeHasher : TreeHasher
    {
        public override string Name => "sha-256";

        protected override byte[] HashOf(ReadOnlySpan<byte> data) => SHA256.HashData(data);
    }

    private sealed class Sm3TreeHasher : TreeHasher
    {
        public override string Name => "sm3";

        protected override byte[] HashOf(ReadOnlySpan<byte> data)
        {
            var digest = new SM3Digest();
            var input = data.ToArray();
            digest.BlockUpdate(input, 0, input.Length);
            var output = new byte[digest.GetDigestSize()];
            digest.DoFinal(output, 0);
            return output;
        }
    }
}
