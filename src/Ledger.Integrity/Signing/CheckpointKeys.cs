using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Ledger.Integrity.Merkle;

namespace Ledger.Integrity.Signing;

/// <summary>
/// The algorithms a log is created with: its tree hash and its checkpoint signatures.
/// <c>ecdsa-p256-sha256</c> (FIPS 186 / SEC 1, the default) goes with a SHA-256 tree; <c>sm2-sm3</c> (GB/T 32918 signatures
/// over SM3 digests, with the default signer identity 1234567812345678 of GM/T 0009) goes with an SM3 tree, so a
/// bureau whose cryptography assessment (GB/T 39786) requires national algorithms uses them end to end.
/// </summary>
public sealed record SignatureSuite(string SignatureAlgorithm, string KeyAlgorithm, TreeHasher TreeHasher)
{
    public static SignatureSuite EcdsaP256 { get; } = new("ecdsa-p256-sha256", "ecdsa-p256", TreeHasher.Sha256);
    public static SignatureSuite Sm2 { get; } = new("sm2-sm3", "sm2", TreeHasher.Sm3);

    public static IReadOnlyList<SignatureSuite> All { get; } = [EcdsaP256, Sm2];

    public static SignatureSuite ForKeyAlgorithm(string name) =>
        All.FirstOrDefault(s => s.KeyAlgorithm == name)
        ?? throw new ArgumentException($"key algorithm '{name}' is not known; use one of {string.Join(", ", All.Select(s => s.KeyAlgorithm))}");

    public static SignatureSuite ForSignatureAlgorithm(string name) =>
        All.FirstOrDefault(s => s.SignatureAlgorithm == name)
        ?? throw new ArgumentException($"signature algorithm '{name}' is not known; use one of {string.Join(", ", All.Select(s => s.SignatureAlgorithm))}");
}

/// <summary>A public key that checkpoints are verified with: SubjectPublicKeyInfo (PEM "PUBLIC KEY").
/// Its id is the first 16 hex digits of SHA-256 over the DER encoding, so anyone holding the key recomputes it.</summary>
public sealed class CheckpointPublicKey
{
    private readonly byte[] _der;
    private readonly AsymmetricKeyParameter _key;

    private CheckpointPublicKey(byte[] der, AsymmetricKeyParameter key, SignatureSuite suite)
    {
        _der = der;
        _key = key;
        Suite = suite;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(der))[..16];
    }

    public SignatureSuite Suite { get; }
    public string KeyId { get; }
    public string Pem => PemEncoding.WriteString("PUBLIC KEY", _der);

    public static CheckpointPublicKey FromPem(string pem, string what = "public key") =>
        FromDer(CheckpointKeyFiles.ReadPem(pem, "PUBLIC KEY", what), what);

    public static CheckpointPublicKey FromDer(byte[] der, string what = "public key")
    {
        try
        {
            var info = SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(der));
            var key = PublicKeyFactory.CreateKey(info);
            return new CheckpointPublicKey(der, key, CheckpointKeyFiles.SuiteOfCurve(info.AlgorithmID, what));
        }
        catch (Exception e) when (e is not FormatException)
        {
            throw new FormatException($"{what}: not an EC public key ({e.Message})", e);
        }
    }

    /// <summary>True when <paramref name="signature"/> (DER) is this key's signature over <paramref name="message"/>.</summary>
    public bool Verify(byte[] message, byte[] signature)
    {
        try
        {
            var signer = CheckpointKeyFiles.NewSigner(Suite);
            signer.Init(false, _key);
            signer.BlockUpdate(message, 0, message.Length);
            return signer.VerifySignature(signature);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or CryptoException or IOException)
        {
            return false;
        }
    }
}

/// <summary>A private key that signs checkpoints, from a PKCS#8 PEM file readable only by its owner.</summary>
public sealed class CheckpointSigner
{
    private readonly AsymmetricKeyParameter _private;
    private static readonly SecureRandom Random = new();

    private CheckpointSigner(AsymmetricKeyParameter privateKey, CheckpointPublicKey publicKey)
    {
        _private = privateKey;
        PublicKey = publicKey;
    }

    public CheckpointPublicKey PublicKey { get; }
    public SignatureSuite Suite => PublicKey.Suite;
    public string KeyId => PublicKey.KeyId;

    public byte[] Sign(byte[] message)
    {
        var signer = CheckpointKeyFiles.NewSigner(Suite);
        signer.Init(true, new ParametersWithRandom(_private, Random));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    public static CheckpointSigner FromPem(string pem, string what)
    {
        var der = CheckpointKeyFiles.ReadPem(pem, "PRIVATE KEY", what);
        try
        {
            var info = PrivateKeyInfo.GetInstance(Asn1Object.FromByteArray(der));
            var suite = CheckpointKeyFiles.SuiteOfCurve(info.PrivateKeyAlgorithm, what);
            var key = (ECPrivateKeyParameters)PrivateKeyFactory.CreateKey(info);
            var q = key.Parameters.G.Multiply(key.D).Normalize();
            var publicKey = new ECPublicKeyParameters(key.AlgorithmName, q, key.PublicKeyParamSet);
            var publicDer = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetDerEncoded();
            return new CheckpointSigner(key, CheckpointPublicKey.FromDer(publicDer, what));
        }
        catch (Exception e) when (e is not FormatException)
        {
            throw new FormatException($"{what}: not an EC private key on P-256 or SM2 ({e.Message})", e);
        }
    }
}

/// <summary>Key files: <c>ledger keys new</c> writes a private key (PKCS#8 PEM, mode 0600) and its public key beside it
/// (<c>.pub</c>, SubjectPublicKeyInfo PEM) — the file a bureau publishes and auditors verify with.</summary>
public static class CheckpointKeyFiles
{
    public const string PublicSuffix = ".pub";

    public static string PublicPathFor(string privatePath) => privatePath + PublicSuffix;

    public static CheckpointSigner Create(string privatePath, SignatureSuite suite)
    {
        if (File.Exists(privatePath)) throw new IOException($"{privatePath} exists; a signing key is never overwritten (choose another path)");
        var generator = new ECKeyPairGenerator("EC");
        // Generated with the curve's OID so the key files name the curve rather than spell out its parameters.
        generator.Init(new ECKeyGenerationParameters(CurveOf(suite), new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var privateDer = PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded();
        var publicDer = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded();

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(privatePath))!);
        var privatePem = PemEncoding.WriteString("PRIVATE KEY", privateDer) + "\n";
        // Readable by its owner only, from the moment it exists.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(privatePath, options))
        using (var writer = new StreamWriter(stream)) writer.Write(privatePem);
        File.WriteAllText(PublicPathFor(privatePath), PemEncoding.WriteString("PUBLIC KEY", publicDer) + "\n");
        return CheckpointSigner.FromPem(privatePem, privatePath);
    }

    public static CheckpointSigner LoadSigner(string privatePath) =>
        File.Exists(privatePath)
            ? CheckpointSigner.FromPem(File.ReadAllText(privatePath), privatePath)
            : throw new FileNotFoundException($"signing key {privatePath} does not exist (create one with `ledger keys new`)", privatePath);

    public static CheckpointPublicKey LoadPublicKey(string path) =>
        File.Exists(path)
            ? CheckpointPublicKey.FromPem(File.ReadAllText(path), path)
            : throw new FileNotFoundException($"public key {path} does not exist", path);

    /// <summary>The DER inside a PEM block that must carry <paramref name="label"/> (PRIVATE KEY is PKCS#8).</summary>
    internal static byte[] ReadPem(string pem, string label, string what)
    {
        try
        {
            var fields = PemEncoding.Find(pem);
            if (pem[fields.Label] != label) throw new FormatException($"{what}: PEM label is '{pem[fields.Label]}', expected {label}");
            return Convert.FromBase64String(pem[fields.Base64Data]);
        }
        catch (ArgumentException e) { throw new FormatException($"{what}: not a PEM {label.ToLowerInvariant()} ({e.Message})", e); }
    }

    private static DerObjectIdentifier CurveOf(SignatureSuite suite) =>
        suite == SignatureSuite.Sm2 ? GMObjectIdentifiers.sm2p256v1 : X9ObjectIdentifiers.Prime256v1;

    internal static SignatureSuite SuiteOfCurve(AlgorithmIdentifier algorithm, string what)
    {
        if (!algorithm.Algorithm.Equals(X9ObjectIdentifiers.IdECPublicKey) || algorithm.Parameters?.ToAsn1Object() is not DerObjectIdentifier curve)
            throw new FormatException($"{what}: not an EC key on a named curve (algorithm {algorithm.Algorithm})");
        if (curve.Equals(X9ObjectIdentifiers.Prime256v1)) return SignatureSuite.EcdsaP256;
        if (curve.Equals(GMObjectIdentifiers.sm2p256v1)) return SignatureSuite.Sm2;
        throw new FormatException($"{what}: curve {curve} is not supported; use P-256 (ecdsa-p256) or SM2 (sm2)");
    }

    internal static ISigner NewSigner(SignatureSuite suite) =>
        suite == SignatureSuite.Sm2 ? new SM2Signer() : SignerUtilities.GetSigner("SHA-256withECDSA");
}
