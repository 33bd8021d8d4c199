using Ledger.Application.Access;
using Ledger.Application.Typical;
using Ledger.Integrity;
using Ledger.Integrity.Signing;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Npgsql;

namespace Ledger.Api;

/// <summary>What auditors verify with: signed checkpoints, inclusion and consistency proofs, case dossiers.</summary>
public static class IntegrityEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/checkpoints/latest", (HttpContext http, ReadSide read) => LatestCheckpointAsync(http, read))
            .WithName("latest_checkpoint").WithTags("integrity")
            .WithSummary("The latest signed checkpoint: the signed note, its fields, the signature and the public key it names")
            .RequireRoles(Role.Auditor, Role.Official);

        app.MapGet("/proofs/inclusion", (HttpContext http, ReadSide read) => InclusionAsync(http, read.Log, read.Regions))
            .WithName("inclusion_proof").WithTags("integrity")
            .WithSummary("RFC 9162 inclusion proof of the event at ?position= in the tree of ?tree_size= leaves (default: the latest checkpoint's)")
            .RequireRoles(Role.Auditor);

        app.MapGet("/proofs/consistency", (HttpContext http, ReadSide read) => ConsistencyAsync(http, read.Log))
            .WithName("consistency_proof").WithTags("integrity")
            .WithSummary("RFC 9162 consistency proof from the tree of ?from= leaves to the tree of ?to= leaves (default: the latest checkpoint's)")
            .RequireRoles(Role.Auditor);

        app.MapGet("/cases/{id}/dossier", (HttpContext http, string id, ReadSide read, CaseReadLog reads, IClock clock) =>
                DossierAsync(http, id, read, reads, clock))
            .WithName("case_dossier").WithTags("integrity", "cases")
            .WithSummary("The case's events exactly as stored, each with its inclusion proof, and the signed checkpoint: `ledger verify-dossier` checks it offline")
            .RequireRoles(Role.Auditor);
    }

    private static async Task<Ok<CheckpointResponse>> LatestCheckpointAsync(HttpContext http, ReadSide read)
    {
        QueryParameters.OnlyKnown(http.Request);
        var checkpoint = await read.Log.LatestCheckpointAsync(http.RequestAborted)
            ?? throw new ApiProblem(StatusCodes.Status404NotFound, "checkpoint", "no checkpoint has been signed yet");
        var publicKey = await read.Log.PublicKeyAsync(checkpoint.KeyId, http.RequestAborted);
        return TypedResults.Ok(new CheckpointResponse(checkpoint.Origin, checkpoint.TreeHash, checkpoint.TreeSize, Convert.ToHexStringLower(checkpoint.RootHash),
            checkpoint.IssuedAt, checkpoint.KeyId, checkpoint.SignatureAlgorithm, checkpoint.Note, Convert.ToBase64String(checkpoint.Signature), publicKey));
    }

    private static async Task<long> TreeSizeAsync(HttpContext http, MerkleLog log, string parameter)
    {
        if (QueryParameters.Long(http.Request, parameter, 1) is { } size) return size;
        var latest = await log.LatestCheckpointAsync(http.RequestAborted)
            ?? throw new ApiProblem(StatusCodes.Status404NotFound, parameter, "no checkpoint has been signed yet; give the tree size");
        return latest.TreeSize;
    }

    private static async Task<Ok<InclusionProofResponse>> InclusionAsync(HttpContext http, MerkleLog log, CaseRegions regions)
    {
        QueryParameters.OnlyKnown(http.Request, "position", "tree_size");
        var position = QueryParameters.Long(http.Request, "position", 1)
            ?? throw new ApiProblem(StatusCodes.Status400BadRequest, "position", "is required: the event's position (see /cases/{id}/history)");
        var treeSize = await TreeSizeAsync(http, log, "tree_size");
        // An event of a stream outside the caller's region answers as a missing one: the answer names the stream and
        // its version, which a county auditor has no business learning of another region's cases.
        var leaf = (await log.LeavesOfPositionsAsync([position], http.RequestAborted)).FirstOrDefault();
        var region = leaf is null ? null
            : leaf.StreamId.StartsWith("typical-cases/", StringComparison.Ordinal) ? SelectionId.FromStreamId(leaf.StreamId).Region
            : await regions.RegionOfAsync(leaf.StreamId, http.RequestAborted);
        if (leaf is null || region is null || !http.Caller().Covers(region))
            throw new ApiProblem(StatusCodes.Status404NotFound, "position", $"no event at position {position} within your scope is in the log yet");
        if (leaf.LeafIndex >= treeSize)
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "tree_size", $"the event is leaf {leaf.LeafIndex}, not within a tree of {treeSize} leaves");
        var proof = (await log.InclusionProofsAsync([leaf.LeafIndex], treeSize, http.RequestAborted))[0];
        return TypedResults.Ok(new InclusionProofResponse(position, leaf.StreamId, leaf.Version, leaf.LeafIndex, treeSize,
            [.. proof.Path.Select(Convert.ToHexStringLower)]));
    }

    private static async Task<Ok<ConsistencyProofResponse>> ConsistencyAsync(HttpContext http, MerkleLog log)
    {
        QueryParameters.OnlyKnown(http.Request, "from", "to");
        var from = QueryParameters.Long(http.Request, "from", 0)
            ?? throw new ApiProblem(StatusCodes.Status400BadRequest, "from", "is required: the size of the older tree (a checkpoint you hold)");
        var to = await TreeSizeAsync(http, log, "to");
        var proof = await log.ConsistencyProofAsync(from, to, http.RequestAborted);
        return TypedResults.Ok(new ConsistencyProofResponse(proof.FromSize, proof.ToSize, [.. proof.Path.Select(Convert.ToHexStringLower)]));
    }

    private static async Task<IResult> DossierAsync(HttpContext http, string id, ReadSide read, CaseReadLog reads, IClock clock)
    {
        QueryParameters.OnlyKnown(http.Request, "purpose");
        var purpose = CaseReadLog.ValidatePurpose(QueryParameters.Text(http.Request, "purpose"));
        var region = await CaseReadEndpoints.RequireInScopeAsync(http, id, read.Regions);
        var dossier = await read.Dossiers.ExportAsync(id, clock.GetCurrentInstant(), http.RequestAborted);
        await reads.RecordAsync(http.Caller(), [(id, region.Value)], "GET /cases/{id}/dossier", purpose, http.RequestAborted);
        return Results.Content(dossier.ToJson(), "application/json; charset=utf-8");
    }
}

/// <summary>The latest signed checkpoint (<c>GET /checkpoints/latest</c>): the signed note, its fields, the signature and
/// the public key of the key it names (null when the key is not registered).</summary>
public sealed record CheckpointResponse(
    string Origin, string TreeHash, long TreeSize, string Root, Instant IssuedAt, string KeyId, string SignatureAlgorithm, string Note, string Signature,
    string? PublicKey);

/// <summary>An RFC 9162 inclusion proof of one event (<c>GET /proofs/inclusion</c>), hashes in lower-case hex.</summary>
public sealed record InclusionProofResponse(long Position, string StreamId, long Version, long LeafIndex, long TreeSize, IReadOnlyList<string> Path);

/// <summary>An RFC 9162 consistency proof between two tree sizes (<c>GET /proofs/consistency</c>), hashes in lower-case hex.</summary>
public sealed record ConsistencyProofResponse(long FromSize, long ToSize, IReadOnlyList<string> Path);
