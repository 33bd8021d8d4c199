using Ledger.Domain.Calendar;
using NodaTime;

namespace Ledger.Domain;

/// <summary>What a reminder finds when it fires: the deadline it was planned for, as the case stands on that day.</summary>
public abstract record ReminderFinding
{
    /// <summary>The step was taken (or the deadline no longer applies, as when the case was transferred): nothing to say.</summary>
    public sealed record Kept : ReminderFinding;

    /// <summary>Past its due date and the step not taken: a <c>deadline_overdue</c> notice.</summary>
    public sealed record Overdue(Deadline Deadline) : ReminderFinding;

    /// <summary>Not due yet: the deadline moved later (an extension, a suspension still running). Remind again then.</summary>
    public sealed record NotYetDue(Deadline Deadline) : ReminderFinding;
}

/// <summary>
/// When to remind of a case's statutory time limits (<see cref="CaseDeadlines"/>). A reminder is planned for every
/// deadline a command sets or moves, and fires on the first day past its due date, midnight in Asia/Shanghai: the law's
/// days are the bureau's calendar days. A late step is never refused; the reminder only says the step is overdue.
/// </summary>
public static class DeadlineReminders
{
    /// <summary>The deadlines not yet met on <paramref name="today"/>, pending or overdue.</summary>
    public static IReadOnlyList<Deadline> Open(CaseState state, WorkingDayCalendar calendar, LocalDate today) =>
        [.. CaseDeadlines.Compute(state, calendar, today).Deadlines.Where(d => d.Status is DeadlineStatus.Pending or DeadlineStatus.Overdue)];

    /// <summary>
    /// The reminders a change from <paramref name="before"/> to <paramref name="after"/> calls for: each deadline open
    /// after it that was not open, with the same due date, before it — a deadline set, or moved by an extension, an
    /// excluded period or a new decision. A reminder planned earlier for a date that no longer holds finds so when it fires.
    /// </summary>
    public static IReadOnlyList<Deadline> Plan(CaseState before, CaseState after, WorkingDayCalendar calendar, LocalDate today)
    {
        var open = after.Version == 0 ? [] : Open(after, calendar, today);
        if (open.Count == 0) return [];
        var earlier = before.Version == 0 ? [] : Open(before, calendar, today).Select(d => (d.Name, d.DueOn)).ToHashSet();
        return [.. open.Where(d => !earlier.Contains((d.Name, d.DueOn)))];
    }

    /// <summary>When a reminder for a deadline due on <paramref name="dueOn"/> fires: the start of the next day in Asia/Shanghai.</summary>
    public static Instant FiresAt(LocalDate dueOn) => dueOn.PlusDays(1).AtStartOfDayInZone(DecisionContext.Zone).ToInstant();

    /// <summary>The bureaus' date at <paramref name="instant"/>.</summary>
    public static LocalDate DateAt(Instant instant) => instant.InZone(DecisionContext.Zone).Date;

    /// <summary>What the reminder for the deadline named <paramref name="name"/> finds on <paramref name="today"/>.</summary>
    public static ReminderFinding Check(CaseState state, string name, WorkingDayCalendar calendar, LocalDate today) =>
        Open(state, calendar, today).FirstOrDefault(d => d.Name == name) switch
        {
            null => new ReminderFinding.Kept(),
            { Status: DeadlineStatus.Overdue } overdue => new ReminderFinding.Overdue(overdue),
            var pending => new ReminderFinding.NotYetDue(pending),
        };
}
