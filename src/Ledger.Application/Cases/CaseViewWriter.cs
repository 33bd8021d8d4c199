using System.Text.Json;
using Ledger.Domain;
using Ledger.Domain.Calendar;
using Ledger.Domain.Serialization;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Application.Cases;

/// <summary>A case's row of <c>ledger.case_view</c> (migrations/0002, 0015) from its state, written by <see cref="CaseViewProjection"/>.</summary>
public static class CaseViewWriter
{
    private const string UpsertSql = """
        insert into ledger.case_view (case_id, version, procedure, status, kind, region, city, province, party_name, party_kind,
            right_name, right_holder, flags, campaigns, legal_bases, lead_on, violation_on, filed_on, decided_on, closed_on,
            decision_kind, decision_number, transferred_to, case_value, fines, confiscations, paid, outstanding,
            next_due_name, next_due_on, deadlines, source, updated_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
            ?, ?, ?, ?, ?, ?, ?, ?, ?, (select e.recorded_at from ledger.mt_events e where e.id = ?))
        on conflict (case_id) do update set version = excluded.version, procedure = excluded.procedure, status = excluded.status,
            kind = excluded.kind, region = excluded.region, city = excluded.city, province = excluded.province,
            party_name = excluded.party_name, party_kind = excluded.party_kind, right_name = excluded.right_name,
            right_holder = excluded.right_holder, flags = excluded.flags, campaigns = excluded.campaigns,
            legal_bases = excluded.legal_bases, lead_on = excluded.lead_on, violation_on = excluded.violation_on,
            filed_on = excluded.filed_on, decided_on = excluded.decided_on, closed_on = excluded.closed_on,
            decision_kind = excluded.decision_kind, decision_number = excluded.decision_number,
            transferred_to = excluded.transferred_to, case_value = excluded.case_value, fines = excluded.fines,
            confiscations = excluded.confiscations, paid = excluded.paid, outstanding = excluded.outstanding,
            next_due_name = excluded.next_due_name, next_due_on = excluded.next_due_on, deadlines = excluded.deadlines,
            source = excluded.source, updated_at = excluded.updated_at
        where ledger.case_view.version < excluded.version
        """;

    /// <summary>The upsert of the row of <paramref name="caseId"/> after <paramref name="state"/>, with its parameters in
    /// order: it inserts or replaces the row, never moving it back to an older version. <c>updated_at</c> is the
    /// recorded_at the database stamped on <paramref name="lastEventId"/>, appended in the same transaction.</summary>
    public static (string Sql, IReadOnlyList<NpgsqlParameter> Parameters) Upsert(string caseId, CaseState state,
        WorkingDayCalendar calendar, LocalDate today, Guid lastEventId)
    {
        var deadlines = state.DeadlinesOn(calendar, today).Deadlines;
        var next = deadlines.Where(d => d.MetOn is null).OrderBy(d => d.DueOn).FirstOrDefault();
        var decision = state.Decision is { Revoked: false } d ? d : null;
        var items = decision?.Items ?? [];
        var region = state.Region!;

        List<NpgsqlParameter> p =
        [
            Text(caseId),
            new NpgsqlParameter<long> { TypedValue = state.Version },
            Text(SnakeCase.Of(state.Procedure)),
            Text(SnakeCase.Of(state.Status)),
            Text(SnakeCase.Of(state.Kind)),
            Text(region.Value),
            Text(region.City.Value),
            Text(region.Province.Value),
            Text(state.Party?.Name),
            Text(state.Party is null ? null : SnakeCase.Of(state.Party.Kind)),
            Text(state.Right?.Name),
            Text(state.Right?.Holder),
            new NpgsqlParameter<string[]> { TypedValue = [.. state.Flags] },
            new NpgsqlParameter<string[]> { TypedValue = [.. state.Campaigns] },
            new NpgsqlParameter<string[]> { TypedValue = [.. state.LegalBases] },
            Date(state.LeadOn),
            Date(state.ViolationOn),
            Date(state.FiledOn),
            Date(decision?.On),
            Date(state.ClosedOn),
            Text(decision is null ? null : SnakeCase.Of(decision.Kind)),
            Text(decision?.Number),
            Text(decision?.TransferTarget is { } target ? SnakeCase.Of(target) : null),
            Yuan(state.CaseValue),
            Yuan(items.Fines()),
            Yuan(items.ConfiscatedGains()),
            Yuan(state.AmountPaid),
            Yuan(state.AmountOutstanding),
            Text(next?.Name),
            Date(next?.DueOn),
            new NpgsqlParameter<string>
            {
                NpgsqlDbType = NpgsqlDbType.Jsonb,
                TypedValue = JsonSerializer.Serialize(deadlines.Select(x => new { x.Name, x.Rule, x.DueOn, x.MetOn, x.Status, x.Warnings }), CaseEventSerializer.Options),
            },
            Text(state.Source is { } source ? SnakeCase.Of(source) : null),
            new NpgsqlParameter<Guid> { TypedValue = lastEventId },
        ];
        return (UpsertSql, p);
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Date(LocalDate? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Date, Value = value is { } d ? d : DBNull.Value };

    private static NpgsqlParameter<decimal> Yuan(Money money) => new() { NpgsqlDbType = NpgsqlDbType.Numeric, TypedValue = money.Yuan };
}
