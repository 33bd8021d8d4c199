using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.EventStore;
using Ledger.Integrity.Merkle;
using Ledger.Integrity.Signing;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>
/// A case's whole history in one self-contained file an auditor can check with no database: every event as stored
/// (data and metadata as the exact jsonb text the chain hashes), its chain hashes, its leaf and inclusion proof in one
/// signed checkpoint, and the public key that signed it. Format <c>ledger.dossier.v1</c>.
/// </summary>
public sealed record Dossier(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("stream_id")] string StreamId,
    [property: JsonPropertyName("exported_at")] string ExportedAt,
    [property: JsonPropertyName("checkpoint")] DossierCheckpoint Checkpoint,
    [property: JsonPropertyName("public_key")] string PublicKey,
    [property: JsonPropertyName("events")] IReadOnlyList<DossierEvent> Events)
{
    public const string CurrentFormat = "ledger.dossier.v1";

    internal static readonly InstantPattern MicrosecondPattern =
        InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss.ffffff'Z'");

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static Dossier FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dossier>(json, new JsonSerializerOptions { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true })
                   ?? throw new FormatException("dossier: the file holds null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"dossier: not a ledger dossier ({(e.Path is { } path ? path + ": " : "")}{e.Message})", e);
        }
    }
}

public sealed record DossierCheckpoint(
    [property: JsonPropertyName("note")] string Note,
    [property: JsonPropertyName("signature")] string Signature);

public sealed record DossierEvent(
    [property: JsonPropertyName("position")] long Position,
    [property: JsonPropertyName("event_id")] Guid EventId,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("recorded_at")] string RecordedAt,
    [property: JsonPropertyName("data")] string Data,
    [property: JsonPropertyName("metadata")] string Metadata,
    [property: JsonPropertyName("previous_hash")] string PreviousHash,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("leaf_index")] long LeafIndex,
    [property: JsonPropertyName("inclusion_proof")] IReadOnlyList<string> InclusionProof);

/// <summary>Builds dossiers from the database.</summary>
public sealed class DossierExporter(LedgerEventStore store, MerkleLog log)
{
    /// <summary>The dossier of a stream against the latest checkpoint, which must already cover all its events
    /// (<see cref="MerkleLog.CheckpointAsync(Signing.CheckpointSigner, string, CancellationToken)"/> issues one).</summary>
    public async Task<Dossier> ExportAsync(string streamId, Instant now, CancellationToken ct = default)
    {
        var events = await store.ReadStreamAsync(streamId, ct: ct);
        if (events.Count == 0) throw new MerkleLogException($"stream {streamId}: no such stream (nothing recorded under this id)");
        var checkpoint = await log.LatestCheckpointAsync(ct)
            ?? throw new MerkleLogException("no checkpoint has been signed yet (run `ledger log checkpoint`)");
        var leaves = (await log.LeavesOfPositionsAsync([.. events.Select(e => e.Position)], ct)).ToDictionary(l => l.Position);
        var outside = events.Where(e => !leaves.TryGetValue(e.Position, out var leaf) || leaf.LeafIndex >= checkpoint.TreeSize).ToList();
        if (outside.Count > 0)
            throw new MerkleLogException(
                $"stream {streamId}: versions {string.Join(", ", outside.Select(e => e.Version))} are not yet in the latest checkpoint (size {checkpoint.TreeSize}); sign a newer one first");
        var proofs = await log.InclusionProofsAsync([.. events.Select(e => leaves[e.Position].LeafIndex)], checkpoint.TreeSize, ct);
        var publicKey = await log.PublicKeyAsync(checkpoint.KeyId, ct)
                        ?? throw new MerkleLogException($"the public key {checkpoint.KeyId} of the latest checkpoint is not in ledger.signing_keys");
        return new Dossier(
            Dossier.CurrentFormat, streamId, Dossier.MicrosecondPattern.Format(now),
            new DossierCheckpoint(checkpoint.Note, Convert.ToBase64String(checkpoint.Signature)),
            publicKey,
            [.. events.Select((e, i) => new DossierEvent(
                e.Position, e.EventId, e.Version, e.Type, Dossier.MicrosecondPattern.Format(e.RecordedAt), e.Data, e.Metadata,
                Convert.ToHexStringLower(e.PreviousHash), Convert.ToHexStringLower(e.Hash), proofs[i].LeafIndex,
                [.. proofs[i].Path.Select(Convert.ToHexStringLower)]))]);
    }
}

/// <summary>The outcome of checking a dossier.</summary>
public sealed record DossierReport(string StreamId, int Events, Checkpoint? Checkpoint, string KeyId, bool KeyTrusted, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>Checks a dossier offline: checkpoint signature (with the dossier's key, which must be one the auditor
/// trusts when any are given), every event's hash from its content, the chain from version 1, and every leaf's
/// inclusion in the signed tree.</summary>
public static class DossierVerifier
{
    public static DossierReport Verify(Dossier dossier, IReadOnlyCollection<CheckpointPublicKey> trustedKeys)
    {
        var problems = new List<string>();
        if (dossier.Format != Dossier.CurrentFormat) problems.Add($"format: '{dossier.Format}' is not {Dossier.CurrentFormat}");

        CheckpointPublicKey? key = null;
        try { key = CheckpointPublicKey.FromPem(dossier.PublicKey, "public_key"); }
        catch (FormatException e) { problems.Add(e.Message); }
        var keyTrusted = key is not null && trustedKeys.Any(k => k.KeyId == key.KeyId);
        if (key is not null && trustedKeys.Count > 0 && !keyTrusted)
            problems.Add($"public_key: key {key.KeyId} is not one of the trusted keys ({string.Join(", ", trustedKeys.Select(k => k.KeyId))})");

        Checkpoint? checkpoint = null;
        try { checkpoint = Checkpoint.FromNote(dossier.Checkpoint.Note, Convert.FromBase64String(dossier.Checkpoint.Signature)); }
        catch (FormatException e) { problems.Add($"checkpoint: {e.Message}"); }
        if (checkpoint is not null && key is not null && checkpoint.SignatureProblem([key]) is { } signature) problems.Add($"checkpoint: {signature}");

        TreeHasher? hasher = null;
        if (checkpoint is not null)
        {
            try { hasher = TreeHasher.ForName(checkpoint.TreeHash); }
            catch (ArgumentException e) { problems.Add($"checkpoint: {e.Message}"); }
        }

        if (dossier.Events.Count == 0) problems.Add("events: the dossier holds no events");
        var previous = EventHashChain.Genesis.ToArray();
        for (var i = 0; i < dossier.Events.Count; i++)
        {
            var e = dossier.Events[i];
            var at = $"events[{i}] (version {e.Version}, position {e.Position})";
            if (e.Version != i + 1) problems.Add($"{at}: version {e.Version} where {i + 1} was expected (the dossier must hold the stream from version 1 without gaps)");
            byte[] stored, storedPrevious;
            try
            {
                stored = Convert.FromHexString(e.Hash);
                storedPrevious = Convert.FromHexString(e.PreviousHash);
            }
            catch (FormatException)
            {
                problems.Add($"{at}: hash and previous_hash must be hexadecimal");
                continue;
            }
            var recordedAt = Dossier.MicrosecondPattern.Parse(e.RecordedAt);
            if (!recordedAt.Success)
            {
                problems.Add($"{at}: recorded_at '{e.RecordedAt}' is not uuuu-MM-ddTHH:mm:ss.ffffffZ");
                continue;
            }
            if (!storedPrevious.AsSpan().SequenceEqual(previous))
                problems.Add($"{at}: previous_hash does not link to the preceding event's hash (an event was removed or reordered)");
            var recomputed = EventHashChain.Compute(storedPrevious, dossier.StreamId, e.Version, e.EventId, e.Type, recordedAt.Value, e.Data, e.Metadata);
            if (!recomputed.AsSpan().SequenceEqual(stored))
                problems.Add($"{at}: hash differs from the hash recomputed from the event's content (type, recorded_at, data or metadata was changed)");
            previous = stored;

            if (checkpoint is null || hasher is null) continue;
            var proof = new List<byte[]>();
            try { proof.AddRange(e.InclusionProof.Select(Convert.FromHexString)); }
            catch (FormatException)
            {
                problems.Add($"{at}: inclusion_proof must be hexadecimal hashes");
                continue;
            }
            var leaf = MerkleLog.LeafHash(hasher, e.Position, dossier.StreamId, e.Version, stored);
            if (!MerkleTree.VerifyInclusion(hasher, e.LeafIndex, checkpoint.TreeSize, leaf, proof, checkpoint.RootHash))
                problems.Add($"{at}: leaf {e.LeafIndex} is not included in the signed tree of size {checkpoint.TreeSize} (inclusion proof fails)");
        }
        return new DossierReport(dossier.StreamId, dossier.Events.Count, checkpoint, key?.KeyId ?? "", keyTrusted, problems);
    }
}
