using Ledger.Application.Cases;
using Ledger.Application.Messaging;
using Ledger.Application.Typical;
using Ledger.Domain;
using Ledger.Domain.Calendar;
using Ledger.EventStore;
using NodaTime;

namespace Ledger.Application.Deadlines;

/// <summary>
/// Handles a reminder when it falls due: reads the case as it stands, and records an overdue notice when the step was
/// not taken, or plans the reminder of the new date when the deadline moved later. Nothing is written to the case.
/// </summary>
public static class DeadlineReminderHandler
{
    public static async Task HandleAsync(DeadlineReminder reminder, LedgerEventStore store, IClock clock, CaseOutbox outbox,
        TypicalCaseSelections selections, CancellationToken ct)
    {
        var history = await CaseHistory.LoadAsync(store, reminder.CaseId, ct: ct);
        var today = DeadlineReminders.DateAt(clock.GetCurrentInstant());
        // A published typical case's withdrawal is the selection's step, not the case's: its list says whether it was taken.
        var finding = await selections.CheckWithdrawalAsync(reminder.CaseId, reminder.Deadline, today, ct)
                      ?? DeadlineReminders.Check(history.State, reminder.Deadline, WorkingDayCalendar.China, today);
        await outbox.RecordFindingAsync(reminder, history.State.Region, finding, ct);
    }
}
