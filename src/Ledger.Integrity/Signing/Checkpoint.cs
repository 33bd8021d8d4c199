using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Integrity.Signing;

/// <summary>
/// A signed statement that the log named <see cref="Origin"/> held <see cref="TreeSize"/> leaves with root
/// <see cref="RootHash"/> at <see cref="IssuedAt"/>. <see cref="Note"/> is the exact text signed (UTF-8); the other
/// properties are read from it, so a checkpoint cannot say one thing in its fields and another in its signature.
/// </summary>
public sealed record Checkpoint(
    string Origin, string TreeHash, long TreeSize, byte[] RootHash, Instant IssuedAt, string KeyId, string SignatureAlgorithm,
    string Note, byte[] Signature)
{
    private const string Header = "ledger checkpoint v1";
    private static readonly InstantPattern TimePattern = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss.ffffff'Z'");

    /// <summary>The text a checkpoint signs: one "name: value" line per field, in this order, each ending in a line feed.</summary>
    public static string FormatNote(string origin, string treeHash, long treeSize, byte[] root, Instant issuedAt, string keyId, string signatureAlgorithm) =>
        $"{Header}\norigin: {origin}\ntree-hash: {treeHash}\nsize: {treeSize.ToString(CultureInfo.InvariantCulture)}\n" +
        $"root: {Convert.ToHexStringLower(root)}\ntime: {TimePattern.Format(issuedAt)}\nkey: {keyId}\nsignature: {signatureAlgorithm}\n";

    public static Checkpoint Sign(CheckpointSigner signer, string origin, long treeSize, byte[] root, Instant issuedAt)
    {
        // Microseconds: what PostgreSQL keeps, so the stored time and the signed time are the same instant.
        issuedAt = Instant.FromUnixTimeTicks(issuedAt.ToUnixTimeTicks() / 10 * 10);
        var note = FormatNote(origin, signer.Suite.TreeHasher.Name, treeSize, root, issuedAt, signer.KeyId, signer.Suite.SignatureAlgorithm);
        return new Checkpoint(origin, signer.Suite.TreeHasher.Name, treeSize, root, issuedAt, signer.KeyId, signer.Suite.SignatureAlgorithm,
            note, signer.Sign(Encoding.UTF8.GetBytes(note)));
    }

    /// <summary>Reads a checkpoint from its signed note; throws <see cref="FormatException"/> naming the line at fault.</summary>
    public static Checkpoint FromNote(string note, byte[] signature)
    {
        var lines = note.Split('\n');
        if (lines.Length != 9 || lines[8] != "" || lines[0] != Header)
            throw new FormatException($"checkpoint note must be '{Header}' and 7 'name: value' lines, each ending in a line feed");
        string Field(int line, string name) =>
            lines[line].StartsWith(name + ": ", StringComparison.Ordinal)
                ? lines[line][(name.Length + 2)..]
                : throw new FormatException($"checkpoint note line {line + 1} must start with '{name}: '; got '{lines[line]}'");
        var size = long.TryParse(Field(3, "size"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s >= 1
            ? s : throw new FormatException($"checkpoint note size '{Field(3, "size")}' is not a positive integer");
        byte[] root;
        try { root = Convert.FromHexString(Field(4, "root")); }
        catch (FormatException) { throw new FormatException($"checkpoint note root '{Field(4, "root")}' is not hexadecimal"); }
        if (root.Length != 32) throw new FormatException($"checkpoint note root must be 32 bytes; got {root.Length}");
        var time = TimePattern.Parse(Field(5, "time"));
        if (!time.Success) throw new FormatException($"checkpoint note time '{Field(5, "time")}' is not uuuu-MM-ddTHH:mm:ss.ffffffZ");
        var checkpoint = new Checkpoint(Field(1, "origin"), Field(2, "tree-hash"), size, root, time.Value, Field(6, "key"), Field(7, "signature"), note, signature);
        if (checkpoint.Note != FormatNote(checkpoint.Origin, checkpoint.TreeHash, size, root, checkpoint.IssuedAt, checkpoint.KeyId, checkpoint.SignatureAlgorithm))
            throw new FormatException("checkpoint note is not in canonical form (upper-case hex, extra spaces or leading zeros)");
        return checkpoint;
    }

    /// <summary>What is wrong with this checkpoint's signature, or null when one of <paramref name="trustedKeys"/>
    /// with its key id signed exactly its note.</summary>
    public string? SignatureProblem(IReadOnlyCollection<CheckpointPublicKey> trustedKeys)
    {
        var key = trustedKeys.FirstOrDefault(k => k.KeyId == KeyId);
        if (key is null)
            return $"signed by key {KeyId}, which is not a trusted key (trusted: {string.Join(", ", trustedKeys.Select(k => k.KeyId))})";
        if (key.Suite.SignatureAlgorithm != SignatureAlgorithm)
            return $"says signature algorithm {SignatureAlgorithm} but key {KeyId} is {key.Suite.SignatureAlgorithm}";
        if (key.Suite.TreeHasher.Name != TreeHash)
            return $"says tree hash {TreeHash} but key {KeyId} signs {key.Suite.TreeHasher.Name} logs";
        return key.Verify(Encoding.UTF8.GetBytes(Note), Signature)
            ? null
            : $"signature does not verify with key {KeyId}";
    }
}
