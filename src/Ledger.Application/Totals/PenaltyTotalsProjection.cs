using System.Globalization;
using Ledger.Application.Projections;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Application.Totals;

/// <summary>
/// One change of what a case adds to a caliber: +1 when the case enters the caliber's period, −1 with the old
/// figures and +1 with the new when a correction or a review changes them. Summing changes recorded up to an
/// instant gives the totals the ledger knew then.
/// </summary>
public sealed record TotalsChange(
    long Position, short Seq, Instant RecordedAt, string CaseId, Caliber Caliber, CaseContribution Contribution, short Sign)
{
    /// <summary>
    /// The changes an event makes, given what the case added before and after it: for each caliber under which the case now
    /// counts differently, the old contribution withdrawn and the new one added.
    /// </summary>
    public static IEnumerable<TotalsChange> Between(RecordedEvent recorded, CaseContribution? old, CaseContribution? now)
    {
        short seq = 0;
        foreach (var caliber in Enum.GetValues<Caliber>())
        {
            if (CaseContribution.SameUnder(caliber, old, now)) continue;
            if (old?.DateFor(caliber) is not null)
                yield return new TotalsChange(recorded.Position, seq++, recorded.RecordedAt, recorded.StreamId, caliber, old, -1);
            if (now?.DateFor(caliber) is not null)
                yield return new TotalsChange(recorded.Position, seq++, recorded.RecordedAt, recorded.StreamId, caliber, now, 1);
        }
    }
}

/// <summary>
/// The penalty totals projection: folds each case's events with the domain's own <see cref="CaseModel.Evolve"/>
/// and records the changes of its contribution (<c>ledger.totals_changes</c>) and their monthly sums per region
/// level (<c>ledger.totals_monthly</c>). Case states are held in memory between batches; a case not held (or held
/// at another version) is restored from the event store, so the cache is only ever a shortcut.
/// </summary>
public sealed class PenaltyTotalsProjection(LedgerEventStore store, int cacheLimit = 250_000) : IProjection
{
    /// <summary>The projection's name.</summary>
    public const string ProjectionName = "penalty_totals";

    // A case as last folded, with what it adds, so each event computes only the new contribution.
    private sealed record Held(CaseState State, CaseContribution? Contribution);

    private static readonly Held Nothing = new(CaseState.Initial, null);
    private readonly Dictionary<string, Held> committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Held> pending = new(StringComparer.Ordinal);
    // While rebuilding: the COPY of the previous page, still running on the connection.
    private Task rebuildWrite = Task.CompletedTask;

    /// <summary>While rebuilding, every case is seen in order and only unfinished ones are held; otherwise the cache is bounded.</summary>
    internal bool Rebuilding { get; set; }

    public string Name => ProjectionName;

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        committed.Clear();
        pending.Clear();
        rebuildSums.Clear();
        rebuildWrite = Task.CompletedTask;
        Rebuilding = true;
        // DELETE, not TRUNCATE: TRUNCATE locks the tables against every reader until the rebuild commits (minutes at
        // ten million events); a DELETE leaves readers the old rows, which they keep seeing until the new ones commit.
        await using var clear = new NpgsqlCommand("delete from ledger.totals_changes; delete from ledger.totals_monthly", connection, transaction);
        await clear.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var caseEvents = events.Where(e => CaseEventSerializer.IsCaseEventType(e.Type)).ToList();
        if (caseEvents.Count == 0) return;
        var decoded = Decode(caseEvents);
        await RestoreMissingStatesAsync(caseEvents, ct);

        var changes = new List<TotalsChange>();
        for (var i = 0; i < caseEvents.Count; i++)
        {
            var recorded = caseEvents[i];
            var before = HeldBefore(recorded);
            var after = CaseModel.Evolve(before.State, decoded[i]);
            var now = CaseContribution.Of(after);
            pending[recorded.StreamId] = new Held(after, now);
            changes.AddRange(TotalsChange.Between(recorded, before.Contribution, now));
        }
        if (Rebuilding)
        {
            // A rebuild meets every case; holding the finished ones would keep a million states in memory. The few
            // that hear of a review after closing are restored from the store.
            foreach (var recorded in caseEvents)
                if (pending.TryGetValue(recorded.StreamId, out var held) && IsFinished(held.State)) pending.Remove(recorded.StreamId);
            if (changes.Count == 0) return;
            foreach (var change in changes) AddToRebuildSums(change);
            // The previous page's COPY ran on the connection while this page was decoded and folded: wait for it,
            // then let this page's run while the runner reads and folds the next.
            await rebuildWrite;
            rebuildWrite = WriteAsync(changes, connection, transaction, ct);
            return;
        }
        if (changes.Count > 0) await WriteAsync(changes, connection, transaction, ct);
    }

    public void Committed()
    {
        if (!Rebuilding && committed.Count + pending.Count > cacheLimit) committed.Clear();
        // Kept without their histories: a bounded cache of states need not hold every event of every case. The rare
        // void, which folds a history again, restores its case from the store (RestoreMissingStatesAsync).
        foreach (var (caseId, held) in pending) committed[caseId] = held with { State = held.State with { Steps = null } };
        pending.Clear();
        Rebuilding = false;
    }

    public void RolledBack()
    {
        committed.Clear();
        pending.Clear();
        rebuildSums.Clear();
        rebuildWrite = Task.CompletedTask;
        Rebuilding = false;
    }

    private static CaseEvent[] Decode(List<RecordedEvent> events)
    {
        var decoded = new CaseEvent[events.Count];
        // JSON decoding is most of a rebuild's work and independent per event: spread it over the cores.
        if (events.Count >= 2_000)
            Parallel.For(0, events.Count, i => decoded[i] = Deserialize(events[i]));
        else
            for (var i = 0; i < events.Count; i++) decoded[i] = Deserialize(events[i]);
        return decoded;
    }

    private static CaseEvent Deserialize(RecordedEvent recorded)
    {
        try
        {
            return CaseEventSerializer.Deserialize(recorded.Type, recorded.Data);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidOperationException($"event at position {recorded.Position} ({recorded.StreamId} v{recorded.Version}) cannot be read: {e.Message}", e);
        }
    }

    private static bool IsFinished(CaseState state) =>
        state.Status is CaseStatus.Closed or CaseStatus.NotFiled or CaseStatus.LeadTransferred && !state.ReviewPending;

    private Held? Cached(string caseId) =>
        pending.TryGetValue(caseId, out var held) || committed.TryGetValue(caseId, out held) ? held : null;

    private Held HeldBefore(RecordedEvent recorded)
    {
        if (recorded.Version == 1) return Nothing;
        var held = Cached(recorded.StreamId);
        return held?.State.Version == recorded.Version - 1 ? held
            : throw new InvalidOperationException($"case {recorded.StreamId}: version {recorded.Version} arrived without version {recorded.Version - 1} before it");
    }

    private static readonly string StepVoidedType = CaseEventSerializer.TypeNameOf(new CaseEvent.StepVoided(default, 0, "", default, "", ""));

    /// <summary>
    /// Loads, in one round trip, the cases whose first event in this batch follows a state we do not hold, or a state
    /// held without its history when the batch voids one of its steps.
    /// </summary>
    private async Task RestoreMissingStatesAsync(List<RecordedEvent> events, CancellationToken ct)
    {
        var missing = new List<(string, long)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var voiding = events.Where(e => e.Type == StepVoidedType).Select(e => e.StreamId).ToHashSet(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!seen.Add(e.StreamId) || e.Version == 1) continue;
            var cached = Cached(e.StreamId)?.State;
            if (cached?.Version != e.Version - 1 || (cached.Steps is null && voiding.Contains(e.StreamId)))
                missing.Add((e.StreamId, e.Version - 1));
        }
        if (missing.Count == 0) return;
        var loaded = await store.ReadStreamPrefixesAsync(missing, ct);
        foreach (var (caseId, prefix) in loaded)
        {
            var state = CaseModel.Replay(prefix.Select(Deserialize));
            pending[caseId] = new Held(state, CaseContribution.Of(state));
        }
    }

    private readonly record struct MonthlyKey(string Caliber, short Level, string Region, string Kind, LocalDate Month, LocalDate RecordedMonth);

    private sealed class MonthlySums
    {
        public long Cases;
        public decimal CaseValue, Fines, Confiscations;
        public long Police;
    }

    // While rebuilding, the monthly sums are kept here and written once at the end: the same sums the batch path
    // adds up in SQL (the property test compares both).
    private readonly Dictionary<MonthlyKey, MonthlySums> rebuildSums = [];

    private void AddToRebuildSums(TotalsChange change)
    {
        var c = change.Contribution;
        var period = c.DateFor(change.Caliber)!.Value;
        var recorded = change.RecordedAt.InZone(DecisionContext.Zone).Date;
        var caliber = SnakeCase.Of(change.Caliber);
        var kind = SnakeCase.Of(c.Kind);
        foreach (var (level, region) in new[] { ((short)1, c.Region.Value[..2] + "0000"), ((short)2, c.Region.Value[..4] + "00") })
        {
            var key = new MonthlyKey(caliber, level, region, kind, new LocalDate(period.Year, period.Month, 1), new LocalDate(recorded.Year, recorded.Month, 1));
            if (!rebuildSums.TryGetValue(key, out var sums)) rebuildSums[key] = sums = new MonthlySums();
            sums.Cases += change.Sign;
            sums.CaseValue += change.Sign * c.CaseValue.Yuan;
            sums.Fines += change.Sign * c.Fines.Yuan;
            sums.Confiscations += change.Sign * c.Confiscations.Yuan;
            sums.Police += c.TransferredToPolice ? change.Sign : 0;
        }
    }

    public async Task CompleteRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await rebuildWrite;
        rebuildWrite = Task.CompletedTask;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy ledger.totals_monthly (caliber, level, region, kind, month, recorded_month, cases, case_value, fines, confiscations, police) " +
            "from stdin (format binary)", ct))
        {
            // Written in month order, the order live updates leave them in (events arrive month by month): a national
            // question reads a period's months from a few hundred neighbouring pages rather than thousands.
            var inMonthOrder = rebuildSums
                .OrderBy(s => s.Key.Caliber, StringComparer.Ordinal).ThenBy(s => s.Key.Level).ThenBy(s => s.Key.Month)
                .ThenBy(s => s.Key.RecordedMonth).ThenBy(s => s.Key.Region, StringComparer.Ordinal).ThenBy(s => s.Key.Kind, StringComparer.Ordinal);
            foreach (var (key, sums) in inMonthOrder)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(key.Caliber, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(key.Level, NpgsqlDbType.Smallint, ct);
                await copy.WriteAsync(key.Region, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(key.Kind, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(key.Month, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(key.RecordedMonth, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(sums.Cases, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(sums.CaseValue, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(sums.Fines, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(sums.Confiscations, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(sums.Police, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }
        rebuildSums.Clear();
    }

    private async Task WriteAsync(List<TotalsChange> changes, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        // A rebuild copies straight into the change log and sums the months once at the end; a batch stages its
        // changes so that only they are added to the monthly sums.
        var target = Rebuilding ? "ledger.totals_changes" : "totals_batch";
        if (!Rebuilding)
        {
            await using var stage = new NpgsqlCommand(
                "create temp table if not exists totals_batch (like ledger.totals_changes) on commit drop; truncate totals_batch", connection, transaction);
            await stage.ExecuteNonQueryAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            $"copy {target} (position, seq, recorded_at, case_id, caliber, region, kind, period_on, flags, campaigns, " +
            "cases, case_value, fines, confiscations, police, provisions, provision_fines, provision_confiscations) from stdin (format binary)", ct))
        {
            foreach (var change in changes)
            {
                var c = change.Contribution;
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(change.Position, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(change.Seq, NpgsqlDbType.Smallint, ct);
                await copy.WriteAsync(change.RecordedAt, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(change.CaseId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(SnakeCase.Of(change.Caliber), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(c.Region.Value, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(SnakeCase.Of(c.Kind), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(c.DateFor(change.Caliber)!.Value, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(c.Flags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await copy.WriteAsync(c.Campaigns.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await copy.WriteAsync(change.Sign, NpgsqlDbType.Smallint, ct);
                await copy.WriteAsync(change.Sign * c.CaseValue.Yuan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(change.Sign * c.Fines.Yuan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(change.Sign * c.Confiscations.Yuan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync((short)(c.TransferredToPolice ? change.Sign : 0), NpgsqlDbType.Smallint, ct);
                await copy.WriteAsync(c.ByProvision.Select(p => p.Provision).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await copy.WriteAsync(c.ByProvision.Select(p => change.Sign * p.Fines.Yuan).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(c.ByProvision.Select(p => change.Sign * p.Confiscations.Yuan).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Numeric, ct);
            }
            await copy.CompleteAsync(ct);
        }
        if (Rebuilding) return;

        await using var merge = new NpgsqlCommand(
            "insert into ledger.totals_changes select * from totals_batch;\n" + string.Format(CultureInfo.InvariantCulture, MonthlySql, "totals_batch"), connection, transaction);
        await merge.ExecuteNonQueryAsync(ct);
    }

    // Changes ({0}) are summed into the monthly rows of provinces and cities. A province bureau's own cases sit under
    // the province code at both levels.
    private const string MonthlySql = """
        insert into ledger.totals_monthly as t
            (caliber, level, region, kind, month, recorded_month, cases, case_value, fines, confiscations, police)
        select b.caliber, l.level, l.region, b.kind, date_trunc('month', b.period_on)::date,
               date_trunc('month', b.recorded_at at time zone 'Asia/Shanghai')::date,
               sum(b.cases), sum(b.case_value), sum(b.fines), sum(b.confiscations), sum(b.police)
        from {0} b
        cross join lateral (values (1::smallint, left(b.region, 2) || '0000'), (2::smallint, left(b.region, 4) || '00')) as l(level, region)
        group by 1, 2, 3, 4, 5, 6
        on conflict (caliber, level, region, month, kind, recorded_month) do update set
            cases = t.cases + excluded.cases,
            case_value = t.case_value + excluded.case_value,
            fines = t.fines + excluded.fines,
            confiscations = t.confiscations + excluded.confiscations,
            police = t.police + excluded.police;
        """;
}
