using Ledger.Application.Deadlines;
using Ledger.Application.Referrals;
using Ledger.Domain;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Wolverine;
using Wolverine.RDBMS;
using Wolverine.Runtime;

namespace Ledger.Application.Messaging;

/// <summary>What a command sends besides its events: the reminders of the deadlines it set or moved, and the referrals
/// its events make to other authorities. Empty for most commands.</summary>
public sealed record CaseMessages(RegionCode? Region, IReadOnlyList<Deadline> Deadlines, IReadOnlyList<BureauReferral> Referrals)
{
    /// <summary>Nothing to send.</summary>
    public static CaseMessages None { get; } = new(null, [], []);

    /// <summary>True when there is nothing to send.</summary>
    public bool IsEmpty => Deadlines.Count == 0 && Referrals.Count == 0;
}

/// <summary>
/// Sends a command's messages in the transaction that records its events: the reminder rows, and Wolverine's envelopes
/// of the reminders and referrals, commit with the events or not at all (Wolverine's outbox, enlisted in the ledger's
/// own transaction). A reminder already planned for a deadline and due date is not planned again. Every envelope is
/// stored as scheduled (a referral for now), so whichever serving node polls next delivers it, also when the process
/// that sent it — a CLI import — has exited.
/// </summary>
public sealed class CaseOutbox(NpgsqlDataSource dataSource, IWolverineRuntime runtime)
{
    /// <summary>
    /// Runs <paramref name="write"/> in a new transaction and, when <paramref name="commit"/> says its result is to be
    /// kept, sends <paramref name="messages"/> of the case in the same transaction and commits. Otherwise (a retry that
    /// found its first outcome: the write left the transaction aborted) rolls back and sends nothing.
    /// </summary>
    public async Task<T> WriteWithMessagesAsync<T>(string caseId, CaseMessages messages,
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
        var context = await EnlistAsync(transaction);
        await PlanAsync(context, connection, transaction, caseId, messages.Region, messages.Deadlines, ct);
        foreach (var referral in messages.Referrals) await context.ScheduleAsync(referral, DateTimeOffset.UtcNow);
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
                await PlanAsync(await EnlistAsync(transaction), connection, transaction, reminder.CaseId, region, [moved], ct);
                break;
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>A message context whose outgoing envelopes are written in <paramref name="transaction"/>.</summary>
    private async Task<MessageContext> EnlistAsync(NpgsqlTransaction transaction)
    {
        var context = new MessageContext(runtime);
        await context.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction((IMessageDatabase)runtime.Storage, transaction));
        return context;
    }

    private static async Task PlanAsync(MessageContext context, NpgsqlConnection connection, NpgsqlTransaction transaction, string caseId, RegionCode? region,
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
        foreach (var deadline in planned)
            await context.ScheduleAsync(new DeadlineReminder(caseId, deadline.Name, deadline.DueOn), DeadlineReminders.FiresAt(deadline.DueOn).ToDateTimeOffset());
    }
}
