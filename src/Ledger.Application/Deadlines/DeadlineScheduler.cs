using Ledger.Domain;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Wolverine;
using Wolverine.RDBMS;
using Wolverine.Runtime;

namespace Ledger.Application.Deadlines;

/// <summary>The message that reminds of one deadline of a case, planned for the day after <see cref="DueOn"/>. Stored
/// under a name of its own, so a renamed class never strands the reminders already planned.</summary>
[Wolverine.Attributes.MessageIdentity("deadline_reminder", Version = 1)]
public sealed record DeadlineReminder(string CaseId, string Deadline, LocalDate DueOn);

/// <summary>
/// Plans reminders in the transaction that records what set the deadlines: the reminder rows and Wolverine's scheduled
/// envelopes commit with the events or not at all (Wolverine's outbox, enlisted in the ledger's own transaction). A
/// reminder already planned for a deadline and due date is not planned again.
/// </summary>
public sealed class DeadlineScheduler(NpgsqlDataSource dataSource, IWolverineRuntime runtime)
{
    /// <summary>
    /// Runs <paramref name="write"/> in a new transaction and, when <paramref name="commit"/> says its result is to be
    /// kept, plans <paramref name="deadlines"/> of the case in the same transaction and commits. Otherwise (a retry that
    /// found its first outcome: the write left the transaction aborted) rolls back and plans nothing.
    /// </summary>
    public async Task<T> WriteWithRemindersAsync<T>(string caseId, RegionCode? region, IReadOnlyList<Deadline> deadlines,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write, Func<T, bool> commit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var result = await write(connection, transaction);
        if (!commit(result))
        {
            await transaction.RollbackAsync(ct);
            return result;
        }
        await PlanAsync(connection, transaction, caseId, region, deadlines, ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>Records what a fired reminder found and, when its deadline moved later, plans the reminder of the new
    /// date; one transaction.</summary>
    public async Task RecordFindingAsync(DeadlineReminder reminder, RegionCode? region, ReminderFinding finding, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var fired = new NpgsqlCommand(
            "update ledger.deadline_reminders set fired_at = coalesce(fired_at, now()), finding = coalesce(finding, $4), times_fired = times_fired + 1 " +
            "where case_id = $1 and deadline = $2 and due_on = $3", connection, transaction))
        {
            fired.Parameters.Add(new() { Value = reminder.CaseId });
            fired.Parameters.Add(new() { Value = reminder.Deadline });
            fired.Parameters.Add(new() { Value = reminder.DueOn, NpgsqlDbType = NpgsqlDbType.Date });
            fired.Parameters.Add(new() { Value = finding switch { ReminderFinding.Overdue => "overdue", ReminderFinding.NotYetDue => "moved", _ => "kept" } });
            await fired.ExecuteNonQueryAsync(ct);
        }
        switch (finding)
        {
            case ReminderFinding.Overdue { Deadline: var deadline }:
                await using (var notice = new NpgsqlCommand(
                    "insert into ledger.deadline_notices (case_id, deadline, due_on, region, rule) values ($1, $2, $3, $4, $5) " +
                    "on conflict do nothing", connection, transaction))
                {
                    notice.Parameters.Add(new() { Value = reminder.CaseId });
                    notice.Parameters.Add(new() { Value = deadline.Name });
                    notice.Parameters.Add(new() { Value = deadline.DueOn, NpgsqlDbType = NpgsqlDbType.Date });
                    notice.Parameters.Add(new() { Value = (object?)region?.Value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    notice.Parameters.Add(new() { Value = deadline.Rule });
                    await notice.ExecuteNonQueryAsync(ct);
                }
                break;
            case ReminderFinding.NotYetDue { Deadline: var moved }:
                await PlanAsync(connection, transaction, reminder.CaseId, region, [moved], ct);
                break;
        }
        await transaction.CommitAsync(ct);
    }

    private async Task PlanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string caseId, RegionCode? region,
        IReadOnlyList<Deadline> deadlines, CancellationToken ct)
    {
        if (deadlines.Count == 0) return;
        var planned = new List<Deadline>();
        await using (var insert = new NpgsqlCommand(
            "insert into ledger.deadline_reminders (case_id, deadline, due_on, region, rule, fires_at) " +
            "select $1, d.name, d.due_on, $2, d.rule, d.fires_at from unnest($3::text[], $4::date[], $5::text[], $6::timestamptz[]) " +
            "as d(name, due_on, rule, fires_at) on conflict do nothing returning deadline, due_on", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = caseId });
            insert.Parameters.Add(new() { Value = (object?)region?.Value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new() { Value = deadlines.Select(d => d.Name).ToArray() });
            insert.Parameters.Add(new() { Value = deadlines.Select(d => d.DueOn).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
            insert.Parameters.Add(new() { Value = deadlines.Select(d => d.Rule).ToArray() });
            insert.Parameters.Add(new() { Value = deadlines.Select(d => DeadlineReminders.FiresAt(d.DueOn)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var (name, dueOn) = (reader.GetString(0), reader.GetFieldValue<LocalDate>(1));
                planned.Add(deadlines.First(d => d.Name == name && d.DueOn == dueOn));
            }
        }
        if (planned.Count == 0) return;
        var context = new MessageContext(runtime);
        await context.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction((IMessageDatabase)runtime.Storage, transaction));
        foreach (var deadline in planned)
            await context.ScheduleAsync(new DeadlineReminder(caseId, deadline.Name, deadline.DueOn), DeadlineReminders.FiresAt(deadline.DueOn).ToDateTimeOffset());
    }
}
