using Ledger.Application.Cases;
using Ledger.Domain;
using Ledger.EventStore;
using NodaTime;

namespace Ledger.Application.Import;

/// <summary>How an import runs: whether valid cases are written despite refused ones, how many cases are written at once, and progress.</summary>
public sealed record ImportOptions(bool SkipInvalid = false, int Parallelism = 4, IProgress<ImportProgress>? Progress = null);

/// <summary>How far an import is: cases checked or written of all, and actions written so far.</summary>
public sealed record ImportProgress(string Phase, int CasesDone, int CasesTotal, long ActionsWritten);

/// <summary>
/// What an import did. <see cref="Refused"/>: problems were found and the import was refused as a whole, so nothing
/// was written. Otherwise <see cref="RefusedCases"/> lists the cases left out (with --skip-invalid, or because someone
/// else changed them while the import ran) and every other case was written.
/// </summary>
public sealed record ImportReport(
    int Actions, int Cases, long ActionsWritten, long ActionsAlreadyRecorded, int CasesWritten,
    IReadOnlyList<ImportProblem> Problems, IReadOnlyList<string> RefusedCases, bool Refused);

/// <summary>
/// Imports case actions through command handling (<see cref="CaseCommandHandler.HandleSequenceAsync"/>): the same
/// decisions, event ids, metadata, chain and case view as commands recorded one by one. First every case is checked —
/// its actions decided in order on its recorded state, at the instants their source recorded them — so a file with a
/// refused row writes nothing unless <see cref="ImportOptions.SkipInvalid"/> is set; a case with a refused row is then
/// left out whole (its later actions depend on the refused one). Cases are independent and written in parallel, each
/// in one transaction.
/// </summary>
public sealed class CaseImporter(LedgerEventStore store, CaseCommandHandler handler, IClock clock, Func<Instant, DecisionContext>? contextAt = null)
{
    private readonly Func<Instant, DecisionContext> contextAt = contextAt ?? DecisionContext.At;

    /// <summary>Checks and imports <paramref name="actions"/> (and reports <paramref name="readProblems"/> found reading them) under the source name <paramref name="source"/>.</summary>
    public async Task<ImportReport> ImportAsync(
        IReadOnlyList<ImportAction> actions, IReadOnlyList<ImportProblem> readProblems, string source, ImportOptions options, CancellationToken ct = default)
    {
        var byCase = actions.GroupBy(a => a.CaseId, StringComparer.Ordinal).Select(g => (CaseId: g.Key, Actions: g.ToList())).ToList();
        var problems = new List<ImportProblem>(readProblems);
        var refused = new HashSet<string>(readProblems.Where(p => p.CaseId is not null).Select(p => p.CaseId!), StringComparer.Ordinal);

        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in byCase.Select(c => c.CaseId).Chunk(5_000))
            existing.UnionWith(await store.ExistingStreamsAsync(chunk, ct));

        var checkedCases = 0;
        var already = 0L;
        var checks = new (string CaseId, ImportProblem? Problem, int AlreadyRecorded)[byCase.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, byCase.Count), ParallelismOf(options, ct), async (i, token) =>
        {
            var (caseId, caseActions) = byCase[i];
            var history = existing.Contains(caseId) ? await CaseHistory.LoadAsync(store, caseId, ct: token) : null;
            checks[i] = Check(caseId, caseActions, history);
            var done = Interlocked.Increment(ref checkedCases);
            if (done % 500 == 0) options.Progress?.Report(new ImportProgress("checked", done, byCase.Count, 0));
        });
        foreach (var (caseId, problem, alreadyRecorded) in checks)
        {
            already += alreadyRecorded;
            if (problem is null) continue;
            problems.Add(problem);
            refused.Add(caseId);
        }
        options.Progress?.Report(new ImportProgress("checked", byCase.Count, byCase.Count, 0));

        if (problems.Count > 0 && !options.SkipInvalid)
            return new ImportReport(actions.Count, byCase.Count, 0, already, 0, Ordered(problems), [.. refused.Order(StringComparer.Ordinal)], Refused: true);

        var written = 0L;
        var casesWritten = 0;
        var casesDone = 0;
        var toWrite = byCase.Where(c => !refused.Contains(c.CaseId)).ToList();
        var lateProblems = new System.Collections.Concurrent.ConcurrentBag<ImportProblem>();
        await Parallel.ForEachAsync(toWrite, ParallelismOf(options, ct), async (item, token) =>
        {
            var sequence = item.Actions.Select(a => new SequencedCommand(a.Command, a.Actor, a.IdempotencyKey, a.RecordedAt)).ToList();
            try
            {
                // A case not in the store when the import began is appended without reading it first (one round trip less).
                var outcomes = await handler.HandleSequenceAsync(item.CaseId, sequence, source, believedNew: !existing.Contains(item.CaseId), token);
                var fresh = outcomes.Count(o => !o.AlreadyApplied);
                Interlocked.Add(ref written, fresh);
                if (fresh > 0) Interlocked.Increment(ref casesWritten);
            }
            catch (CommandInSequenceRefused e)
            {
                // Checked a moment ago; someone else changed the case since.
                var row = item.Actions[e.Index];
                lateProblems.Add(new ImportProblem(row.File, row.Line, item.CaseId, e.Violation.Field, e.Violation.Rule));
            }
            catch (ConcurrencyException e)
            {
                var row = item.Actions[0];
                lateProblems.Add(new ImportProblem(row.File, row.Line, item.CaseId, "case", $"kept changing while it was imported ({e.Message}); import it again"));
            }
            var done = Interlocked.Increment(ref casesDone);
            if (done % 200 == 0) options.Progress?.Report(new ImportProgress("written", done, toWrite.Count, Interlocked.Read(ref written)));
        });
        options.Progress?.Report(new ImportProgress("written", toWrite.Count, toWrite.Count, written));
        foreach (var late in lateProblems.OrderBy(p => p.File).ThenBy(p => p.Line))
        {
            problems.Add(late);
            refused.Add(late.CaseId!);
        }
        return new ImportReport(actions.Count, byCase.Count, written, already, casesWritten, Ordered(problems), [.. refused.Order(StringComparer.Ordinal)], Refused: false);
    }

    private static List<ImportProblem> Ordered(List<ImportProblem> problems) =>
        [.. problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line)];

    private static ParallelOptions ParallelismOf(ImportOptions options, CancellationToken ct) =>
        new() { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = ct };

    /// <summary>Decides a case's actions in order without writing; the first refused one is the case's problem.</summary>
    private (string, ImportProblem?, int) Check(string caseId, List<ImportAction> actions, CaseHistory? history)
    {
        var state = history?.State ?? CaseState.Initial;
        var recorded = history?.CommandsByIdempotencyKey() ?? [];
        var lastRecorded = history?.Entries.LastOrDefault()?.Recorded.RecordedAt ?? Instant.MinValue;
        var now = clock.GetCurrentInstant();
        var alreadyRecorded = 0;
        foreach (var action in actions)
        {
            ImportProblem Problem(string field, string rule) => new(action.File, action.Line, caseId, field, rule);
            if (recorded.TryGetValue(action.IdempotencyKey, out var earlier))
            {
                if (earlier.RefusalOf(action.IdempotencyKey, "this case", action.Command.Name, action.Actor, KeyedCommand.Fingerprint(action.Command)) is { } refusal)
                    return (caseId, Problem("action_id", refusal), alreadyRecorded);
                alreadyRecorded++;
                continue;
            }
            if (action.RecordedAt is { } at)
            {
                if (at > now) return (caseId, Problem("recorded_at", $"{at} is in the future: nothing is recorded before it happens"), alreadyRecorded);
                if (at < lastRecorded)
                    return (caseId, Problem("recorded_at", $"{at} is earlier than the case's previous action ({lastRecorded}): a case's actions are recorded in order"), alreadyRecorded);
            }
            try
            {
                var events = CaseModel.Decide(action.Command, state, contextAt(action.RecordedAt ?? now));
                state = events.Aggregate(state, CaseModel.Evolve);
            }
            catch (DomainRuleViolation e)
            {
                return (caseId, Problem(e.Field, e.Rule), alreadyRecorded);
            }
            lastRecorded = action.RecordedAt ?? now;
        }
        return (caseId, null, alreadyRecorded);
    }
}
