using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Integrity.Signing;

/// <summary>
/// A signed checkpoint as it is kept outside the database — published on the bureau's site, filed with an auditor, saved
/// from <c>GET /checkpoints/latest</c> or written by <c>ledger log checkpoint --out</c>: a JSON object whose <c>note</c> is
/// the signed note and <c>signature</c> its signature in base64 (other fields are for people and are not trusted).
/// <c>ledger verify --trusted-checkpoint</c> checks the ledger against it, so a ledger restored from a backup, or rewritten
/// together with the checkpoints it stores, cannot pass for what was published.
/// </summary>
public static class PublishedCheckpoint
{
    /// <summary>The checkpoint as a file's content: the note and signature, with the fields spelled out for people.</summary>
    public static string ToJson(Checkpoint checkpoint) => new JsonObject
    {
        ["origin"] = checkpoint.Origin,
        ["tree_size"] = checkpoint.TreeSize,
        ["root"] = Convert.ToHexStringLower(checkpoint.RootHash),
        ["key_id"] = checkpoint.KeyId,
        ["note"] = checkpoint.Note,
        ["signature"] = Convert.ToBase64String(checkpoint.Signature),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    /// <summary>Reads a published checkpoint; throws <see cref="FormatException"/> saying what is wrong with it.</summary>
    public static Checkpoint FromJson(string json)
    {
        JsonObject document;
        try
        {
            document = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("a published checkpoint is a JSON object with note and signature");
        }
        catch (JsonException e)
        {
            throw new FormatException($"a published checkpoint is a JSON object with note and signature ({e.Message})");
        }
        string Text(string name) =>
            document[name] is JsonValue value && value.TryGetValue<string>(out var text)
                ? text
                : throw new FormatException($"a published checkpoint needs '{name}' as a string");
        var note = Text("note");
        var encoded = Text("signature");
        byte[] signature;
        try { signature = Convert.FromBase64String(encoded); }
        catch (FormatException) { throw new FormatException("the published checkpoint's signature is not base64"); }
        return Checkpoint.FromNote(note, signature);
    }
}
