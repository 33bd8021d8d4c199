using Ledger.Domain.Calendar;
using Ledger.Domain.Law;
using NodaTime;

namespace Ledger.Domain;

/// <summary>
/// What <see cref="CaseModel.Decide"/> needs besides the command and the state: the current instant (from the
/// host's clock, never read inside the domain), the fine provisions, the hearing thresholds and the calendar.
/// </summary>
public sealed record DecisionContext(Instant Now, FineRuleBook FineRules, HearingThresholds HearingThresholds, WorkingDayCalendar Calendar)
{
    /// <summary>China Standard Time: legal dates are dates in this zone.</summary>
    public static DateTimeZone Zone { get; } = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>Today's date in China at <see cref="Now"/>.</summary>
    public LocalDate Today => Now.InZone(Zone).Date;

    /// <summary>The national rules and calendar at <paramref name="now"/>.</summary>
    public static DecisionContext At(Instant now) => new(now, FineRuleBook.China, HearingThresholds.SamrDefault, WorkingDayCalendar.China);
}
