using Ledger.Domain;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Application.Deadlines;

/// <summary>A deadline the ledger reminds of: its latest planned reminder, what the reminder found when it fired, and the
/// overdue notice when one was recorded.</summary>
public sealed record DeadlineEntry(
    string CaseId, string Deadline, LocalDate DueOn, string? Region, string Rule, Instant FiresAt, Instant? FiredAt, string? Finding, Instant? NoticedAt)
{
    /// <summary>True when a <c>deadline_overdue</c> notice was recorded for this due date.</summary>
    public bool Overdue => NoticedAt is not null;
}

/// <summary>Reads the reminders and overdue notices (<c>ledger deadlines</c>, <c>GET /deadlines</c>).</summary>
public sealed class DeadlineNotices(NpgsqlDataSource dataSource)
{
    /// <summary>The most rows one read returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// Each case's deadlines as last planned, within <paramref name="region"/> (and everything in it) when given; only
    /// those with an overdue notice when <paramref name="overdueOnly"/>. Earliest due first.
    /// </summary>
    public async Task<IReadOnlyList<DeadlineEntry>> ListAsync(RegionCode? region, bool overdueOnly, int limit = 200, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxLimit) throw new DomainRuleViolation("limit", $"limit is 1 to {MaxLimit}");
        await using var command = dataSource.CreateCommand(
            "select r.case_id, r.deadline, r.due_on, r.region, r.rule, r.fires_at, r.fired_at, r.finding, n.noticed_at " +
            "from (select distinct on (case_id, deadline) * from ledger.deadline_reminders " +
            "      where ($1::text is null or region like $1 || '%') order by case_id, deadline, planned_at desc, due_on desc) r " +
            "left join ledger.deadline_notices n on (n.case_id, n.deadline, n.due_on) = (r.case_id, r.deadline, r.due_on) " +
            "where not $2 or n.noticed_at is not null " +
            "order by r.due_on, r.case_id, r.deadline limit $3");
        command.Parameters.Add(new() { Value = (object?)region?.Prefix ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = overdueOnly });
        command.Parameters.Add(new() { Value = limit });
        var entries = new List<DeadlineEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            entries.Add(new DeadlineEntry(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<LocalDate>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetFieldValue<Instant>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<Instant>(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<Instant>(8)));
        return entries;
    }
}
