using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.Domain.Typical;
using Ledger.EventStore;

namespace Ledger.Application.Cases;

/// <summary>
/// What an idempotency key is bound to, as its first recorded event says: the command, who sent it and the SHA-256 of
/// its canonical body. A key replays its first outcome only to the same caller sending the same command; anything else
/// under that key is refused — never answered with another command's outcome.
/// </summary>
public sealed record KeyedCommand(string Command, string Actor, string? Sha256)
{
    /// <summary>The binding recorded in an event's metadata (read in one parse: a re-import reads it for every event).</summary>
    public static KeyedCommand Of(RecordedEvent recorded)
    {
        using var metadata = JsonDocument.Parse(recorded.Metadata);
        string? Text(string name) =>
            metadata.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return new(Text("command") ?? "", Text("actor") ?? "", Text("command_sha256"));
    }

    /// <summary>The SHA-256 (hex) of a case command's canonical form: its action and its fields as the ledger writes them,
    /// so a retry matches whatever the order of its JSON keys or its white space.</summary>
    public static string Fingerprint(CaseCommand command) =>
        Digest(command.Name, CaseCommandSerializer.ToFields(command));

    /// <summary>The SHA-256 (hex) of a typical-case selection command: its name and its fields in the ledger's JSON.</summary>
    public static string Fingerprint(SelectionCommand command) =>
        Digest(command.Name, JsonSerializer.SerializeToNode(command, command.GetType(), CaseEventSerializer.Options)!.AsObject());

    private static string Digest(string action, JsonObject fields)
    {
        fields.Insert(0, "action", action);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fields.ToJsonString())));
    }

    /// <summary>Null when <paramref name="command"/> from <paramref name="actor"/> with body <paramref name="sha256"/> is a
    /// retry of the command recorded under <paramref name="key"/>; otherwise why the key cannot be used for it.</summary>
    public string? RefusalOf(string key, string where, string command, string actor, string sha256)
    {
        if (Command != command) return $"'{key}' was already used on {where} for {Command}, not {command}; a new command needs a new key";
        if (Actor != actor) return $"'{key}' was already used on {where} by another caller; a key replays an outcome only to the caller who sent it";
        // Events recorded before keys were bound to bodies carry no fingerprint: command and caller are all there is to compare.
        if (Sha256 is not null && Sha256 != sha256)
            return $"'{key}' was already used on {where} for a {command} with a different body; a retry sends the same body, a new command a new key";
        return null;
    }
}
