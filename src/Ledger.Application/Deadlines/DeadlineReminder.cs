using NodaTime;

namespace Ledger.Application.Deadlines;

/// <summary>The message that reminds of one deadline of a case, planned for the day after <see cref="DueOn"/>. Stored
/// under a name of its own, so a renamed class never strands the reminders already planned.</summary>
[Wolverine.Attributes.MessageIdentity("deadline_reminder", Version = 1)]
public sealed record DeadlineReminder(string CaseId, string Deadline, LocalDate DueOn);
