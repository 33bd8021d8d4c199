using System.Text.Json;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using NodaTime;

namespace Ledger.Application.Cases;

/// <summary>One recorded event of a case: as stored, and as the domain reads it.</summary>
public sealed record CaseHistoryEntry(RecordedEvent Recorded, CaseEvent Event)
{
    /// <summary>Who recorded it (the metadata's actor).</summary>
    public string Actor => MetadataText(Recorded, "actor") ?? "";

    /// <summary>The command that recorded it, when the command handler did.</summary>
    public string? Command => MetadataText(Recorded, "command");

    /// <summary>The idempotency key of the command that recorded it, when it came through command handling.</summary>
    public string? IdempotencyKey => MetadataText(Recorded, "idempotency_key");

    /// <summary>A text field of a recorded event's metadata, or null.</summary>
    public static string? MetadataText(RecordedEvent recorded, string name)
    {
        using var metadata = JsonDocument.Parse(recorded.Metadata);
        return metadata.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}

/// <summary>A case's history up to some point and the state it makes.</summary>
public sealed record CaseHistory(string CaseId, IReadOnlyList<CaseHistoryEntry> Entries, CaseState State)
{
    /// <summary>The idempotency keys the history holds, each with the command recorded under it (what a retry or re-import looks up).</summary>
    public Dictionary<string, KeyedCommand> CommandsByIdempotencyKey()
    {
        var keys = new Dictionary<string, KeyedCommand>(StringComparer.Ordinal);
        foreach (var entry in Entries)
            if (entry.IdempotencyKey is { } key) keys.TryAdd(key, KeyedCommand.Of(entry.Recorded));
        return keys;
    }

    /// <summary>For each voided step (by its version), the version of the step that voided it: the history keeps both.</summary>
    public IReadOnlyDictionary<long, long> VoidedBy() => Entries
        .Where(e => e.Event is CaseEvent.StepVoided)
        .ToDictionary(e => ((CaseEvent.StepVoided)e.Event).Version, e => e.Recorded.Version);

    /// <summary>The stream type under which cases are stored.</summary>
    public const string StreamType = "enforcement_case";

    /// <summary>
    /// Loads a case's events — all of them, up to <paramref name="toVersion"/>, or as recorded at
    /// <paramref name="asOf"/> — and folds them. An unknown case gives an empty history in the initial state.
    /// </summary>
    public static async Task<CaseHistory> LoadAsync(
        LedgerEventStore store, string caseId, long? toVersion = null, Instant? asOf = null, CancellationToken ct = default)
    {
        CaseIds.Validate(caseId);
        var recorded = await store.ReadStreamAsync(caseId, 1, toVersion ?? long.MaxValue, asOf, ct);
        var entries = recorded.Select(r => new CaseHistoryEntry(r, CaseEventSerializer.Deserialize(r.Type, r.Data))).ToList();
        return new CaseHistory(caseId, entries, CaseModel.Replay(entries.Select(e => e.Event)));
    }
}

/// <summary>Case ids: what bureaus write on the file, such as "140824-2025-012".</summary>
public static class CaseIds
{
    /// <summary>Refuses an id that is empty, too long, or holds characters other than letters, digits and . _ : -.</summary>
    public static void Validate(string? caseId)
    {
        if (string.IsNullOrWhiteSpace(caseId) || caseId.Length > 128
            || !char.IsAsciiLetterOrDigit(caseId[0]) || !caseId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            throw new DomainRuleViolation("case_id", $"a case id is 1 to 128 ASCII letters, digits, '.', '_', ':' or '-', starting with a letter or digit (got '{caseId}')");
    }

    /// <summary>
    /// Refuses a command that starts a case under a number that does not begin with the code of the region it is
    /// recorded in (140824-2025-012 in 稷山县, 140824): so a number names one case across the country, and a bureau can
    /// only start cases under its own numbers (a county user learns nothing of another county's numbers by trying them).
    /// </summary>
    public static void RequireRegionPrefix(string caseId, CaseCommand command)
    {
        var region = command switch
        {
            CaseCommand.RegisterLead lead => lead.Region,
            CaseCommand.RequestDispute dispute => dispute.Region,
            _ => null,
        };
        if (region is not null && !caseId.StartsWith(region.Value + "-", StringComparison.Ordinal))
            throw new DomainRuleViolation("case_id", $"a case's number begins with the code of its region and a hyphen ({region.Value}-…, such as {region.Value}-2025-012), got '{caseId}'");
    }
}
