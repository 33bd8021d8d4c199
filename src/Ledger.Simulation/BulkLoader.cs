using Ledger.Application;
using Ledger.Application.Cases;
using Ledger.EventStore;

namespace Ledger.Simulation;

/// <summary>
/// Loads simulated cases through the store's bulk import (<see cref="LedgerEventStore.ImportAsync"/>: one Marten
/// session per batch, every row through ledger.record_event) — the loading path of the benchmarks and of tests that
/// need events recorded at chosen instants. Each step is imported with its recording instant as the source's
/// (source "simulation"), under the event ids and idempotency keys command handling would give the same commands
/// ("sim/{case}/{step}"), so verification, projections and a retried command cannot tell them from recorded ones.
/// </summary>
public static class BulkLoader
{
    public const string Actor = "simulation";
    public const string Source = "simulation";

    /// <summary>The most appends sent in one import (one transaction). Marten's session finds a stream it already holds by
    /// going through its list of streams, so an import's client time grows with the square of its size: at 20,000
    /// appends that search was 46 % of the loader's CPU (perf, ten million simulated events), at 2,000 it is 2 %.</summary>
    public const int AppendsPerImport = 2_000;

    /// <summary>The appends of a simulated case, one per step, in order.</summary>
    public static IReadOnlyList<AppendRequest> RequestsOf(SimulatedCase simulated)
    {
        var requests = new List<AppendRequest>(simulated.Steps.Count);
        long version = 0;
        for (var step = 0; step < simulated.Steps.Count; step++)
        {
            var s = simulated.Steps[step];
            if (s.Events.Count == 0) continue;
            var key = $"sim/{simulated.CaseId}/{step}";
            var metadata = new EventMetadata(Actor, DeterministicId.From($"ledger/command/{simulated.CaseId}/{key}"),
                Command: s.Command.Name, IdempotencyKey: key, Source: Source).ToJson();
            var events = s.Events.Select((e, i) => new NewEvent(DeterministicId.From($"ledger/case-command/{simulated.CaseId}/{key}/{i}"), e)).ToList();
            requests.Add(new AppendRequest(simulated.CaseId, CaseHistory.StreamType,
                version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version), events, metadata, s.RecordedAt));
            version += events.Count;
        }
        return requests;
    }

    /// <summary>
    /// Imports <paramref name="requests"/> in the order given, <see cref="AppendsPerImport"/> to a transaction; a
    /// stream's appends must come in version order (recording order does that). Returns the events written.
    /// </summary>
    public static async Task<int> LoadAsync(LedgerEventStore store, IReadOnlyList<AppendRequest> requests, CancellationToken ct = default)
    {
        var written = 0;
        foreach (var batch in requests.Chunk(AppendsPerImport)) written += await store.ImportAsync(batch, ct);
        return written;
    }
}
