using System.Text.Json;
using Ledger.Domain;
using Ledger.Domain.Calendar;
using Ledger.Domain.Serialization;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace Ledger.Application;

/// <summary>Writes a case's row of <c>ledger.case_view</c> (migrations/0002) from its state.</summary>
public static class CaseViewWriter
{
    private const string Upsert = """
        insert into ledger.case_view (case_id, version, procedure, status, kind, region, city, province, party_name, party_kind,
            right_name, right_holder, flags, campaigns, legal_bases, lead_on, violation_on, filed_on, decided_on, closed_on,
            decision_kind, decision_number, transferred_to, case_value, fines, confiscations, paid, outstanding,
            next_due_name, next_due_on, deadlines, updated_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
            $24, $25, $26, $27, $28, $29, $30, $31, $32)
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
            updated_at = excluded.updated_at
        where ledger.case_view.version < excluded.version
        """;

    /// <summary>Inserts or replaces the row, never moving it back to an older version.</summary>
    public static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string caseId, CaseState state,
        WorkingDayCalendar calendar, LocalDate today, Instant recordedAt, CancellationToken ct)
    {
        var deadlines = state.DeadlinesOn(calendar, today).Deadlines;
        var next = deadlines.Where(d => d.MetOn is null).OrderBy(d => d.DueOn).FirstOrDefault();
        var decision = state.Decision is { Revoked: false } d ? d : null;
        var items = decision?.Items ?? [];
        var region = state.Region!;

        await using var command = new NpgsqlCommand(Upsert, connection, transaction);
        var p = command.Parameters;
        p.Add(Text(caseId));
        p.Add(new NpgsqlParameter<long> { TypedValue = state.Version });
        p.Add(Text(SnakeCase.Of(state.Procedure)));
        p.Add(Text(SnakeCase.Of(state.Status)));
        p.Add(Text(SnakeCase.Of(state.Kind)));
        p.Add(Text(region.Value));
        p.Add(Text(region.City.Value));
        p.Add(Text(region.Province.Value));
        p.Add(Text(state.Party?.Name));
        p.Add(Text(state.Party is null ? null : SnakeCase.Of(state.Party.Kind)));
        p.Add(Text(state.Right?.Name));
        p.Add(Text(state.Right?.Holder));
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. state.Flags] });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. state.Campaigns] });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. state.LegalBases] });
        p.Add(Date(state.LeadOn));
        p.Add(Date(state.ViolationOn));
        p.Add(Date(state.FiledOn));
        p.Add(Date(decision?.On));
        p.Add(Date(state.ClosedOn));
        p.Add(Text(decision is null ? null : SnakeCase.Of(decision.Kind)));
        p.Add(Text(decision?.Number));
        p.Add(Text(decision?.TransferTarget is { } target ? SnakeCase.Of(target) : null));
        p.Add(Yuan(state.CaseValue));
        p.Add(Yuan(items.Fines()));
        p.Add(Yuan(items.ConfiscatedGains()));
        p.Add(Yuan(state.AmountPaid));
        p.Add(Yuan(state.AmountOutstanding));
        p.Add(Text(next?.Name));
        p.Add(Date(next?.DueOn));
        p.Add(new NpgsqlParameter<string>
        {
            NpgsqlDbType = NpgsqlDbType.Jsonb,
            TypedValue = JsonSerializer.Serialize(deadlines.Select(x => new { x.Name, x.Rule, x.DueOn, x.MetOn, x.Status, x.Warnings }), CaseEventSerializer.Options),
        });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = recordedAt.ToDateTimeUtc() });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Date(LocalDate? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Date, Value = value is { } d ? new DateOnly(d.Year, d.Month, d.Day) : DBNull.Value };

    private static NpgsqlParameter<decimal> Yuan(Money money) => new() { NpgsqlDbType = NpgsqlDbType.Numeric, TypedValue = money.Yuan };
}
