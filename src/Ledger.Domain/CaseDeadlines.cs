using Ledger.Domain.Calendar;
using NodaTime;

namespace Ledger.Domain;

/// <summary>Where a deadline stands.</summary>
public enum DeadlineStatus
{
    /// <summary>Not yet met, not yet due.</summary>
    Pending,
    /// <summary>Met on or before the due date.</summary>
    Met,
    /// <summary>Met after the due date: recorded, and flagged.</summary>
    MetLate,
    /// <summary>Not met and past due.</summary>
    Overdue,
}

/// <summary>One statutory time limit of a case, its due date and whether it was kept.</summary>
public sealed record Deadline(string Name, string Rule, LocalDate DueOn, LocalDate? MetOn, DeadlineStatus Status, IReadOnlyList<string> Warnings)
{
    /// <summary>True when the step was late or is overdue.</summary>
    public bool Flagged => Status is DeadlineStatus.MetLate or DeadlineStatus.Overdue;
}

/// <summary>The deadlines of a case as of a date, and the late-payment surcharge accrued.</summary>
public sealed record DeadlineReport(IReadOnlyList<Deadline> Deadlines, Money LateSurcharge)
{
    /// <summary>Calendar warnings behind any of the deadlines.</summary>
    public IReadOnlyList<string> Warnings => [.. Deadlines.SelectMany(d => d.Warnings).Distinct()];
}

/// <summary>
/// Computes a case's time limits. A late step is never refused; it is shown here as met late or overdue.
/// Periods "of N days" are calendar days ending on a working day; "N working days" count working days only
/// (行政处罚法第八十五条 makes the law's 2, 3, 5 and 7 days working days).
/// </summary>
public static class CaseDeadlines
{
    /// <summary>The deadlines of <paramref name="state"/> as they stand on <paramref name="today"/>.</summary>
    public static DeadlineReport Compute(CaseState state, WorkingDayCalendar calendar, LocalDate today)
    {
        var list = new List<Deadline>();
        Deadline Make(string name, string rule, CalendarResult due, LocalDate? metOn) =>
            new(name, rule, due.Date, metOn, metOn is { } m ? (m <= due.Date ? DeadlineStatus.Met : DeadlineStatus.MetLate)
                : today > due.Date ? DeadlineStatus.Overdue : DeadlineStatus.Pending, due.Warnings);

        if (state.LeadOn is { } lead)
        {
            if (state.Procedure == Procedure.Penalty)
                list.Add(Make("filing", "《市场监督管理行政处罚程序规定》第十八条: decide on filing within 15 working days of the lead (+15 when extended); " +
                        "检测、检验、检疫、鉴定 and 权利人辨认或者鉴别 excluded",
                    calendar.AddWorkingDays(lead, (state.FilingPeriodExtended ? 30 : 15) + ExcludedFromFilingWorkingDays(state, lead, calendar, state.LeadDecidedOn ?? today)),
                    state.LeadDecidedOn));
            else
                list.Add(Make("acceptance", "《专利行政执法办法》: accept a dispute request within 5 working days",
                    calendar.AddWorkingDays(lead, 5), state.LeadDecidedOn));
        }

        var firstDecision = state.EarlierDecisions.FirstOrDefault() ?? state.Decision;
        if (state.FiledOn is { } filed && state.Status is not (CaseStatus.NotFiled or CaseStatus.LeadTransferred))
        {
            var excluded = ExcludedDays(state, filed, firstDecision?.On ?? today);
            var end = state.Procedure == Procedure.Penalty
                ? filed.PlusDays(90 + (state.DecisionPeriodExtended ? 30 : 0))
                : filed.PlusMonths(3 + (state.DecisionPeriodExtended ? 1 : 0));
            list.Add(Make("decision", state.Procedure == Procedure.Penalty
                    ? "《市场监督管理行政处罚程序规定》第六十三条: decide within 90 days of filing (+30 when extended); 中止、听证、公告、检测、检验、检疫、鉴定、权利人辨认或者鉴别 and 责令退款 excluded"
                    : "《专利行政执法办法》: decide a dispute within 3 months of acceptance (+1 when extended); suspension excluded",
                calendar.EndOfPeriod(end.PlusDays(excluded)), firstDecision?.On));
        }

        if (state.Decision is { Kind: DecisionKind.Penalty or DecisionKind.NoPenalty } decision)
            list.Add(Make("service", "行政处罚法第六十一条: serve the decision within 7 (working) days", calendar.AddWorkingDays(decision.On, 7), state.ServedOn));

        foreach (var hold in state.Goods)
        {
            var endedOn = hold.ReleasedOn ?? hold.EndedOn;
            var due = hold.Measure == GoodsMeasure.RegisteredForPreservation
                ? calendar.AddWorkingDays(hold.On, 7)
                : calendar.EndOfPeriod(hold.On.PlusDays((hold.ExtendedOn is null ? 30 : 60) + ExcludedDays(state, hold.On, endedOn ?? today, Testing)));
            list.Add(Make($"goods:{hold.MeasureId}", hold.Measure == GoodsMeasure.RegisteredForPreservation
                ? "行政处罚法第五十六条: deal with goods registered for preservation within 7 working days"
                : "行政强制法第二十五条: sealing or seizure lasts at most 30 days (+30 when extended); 检测、检验、检疫、鉴定 excluded", due, endedOn));
        }

        if (PaymentDue(state, calendar) is { } paymentDue)
        {
            if (state.Instalments.Count > 0)
            {
                var cumulative = Money.Zero;
                for (var i = 0; i < state.Instalments.Count; i++)
                {
                    cumulative += state.Instalments[i].Amount;
                    var dueOn = state.Instalments[i].DueOn;
                    list.Add(Make($"instalment {i + 1}", "行政处罚法第六十六条: instalments as granted",
                        new CalendarResult(dueOn, []), PaidUpTo(state, PaidBeforeInstalments(state) + cumulative)));
                }
            }
            else
                list.Add(Make("payment", "行政处罚法第六十七条: pay within 15 days of service, or by the deferred date", paymentDue, PaidUpTo(state, state.AmountImposed)));
        }

        return new DeadlineReport(list, LateSurcharge(state, calendar, today));
    }

    /// <summary>When payment of the fines and confiscations falls due; null when nothing is owed or not yet served.</summary>
    public static LocalDate? PaymentDueOn(CaseState state, WorkingDayCalendar calendar) => PaymentDue(state, calendar)?.Date;

    private static CalendarResult? PaymentDue(CaseState state, WorkingDayCalendar calendar)
    {
        if (state.AmountImposed == Money.Zero || state.ServedOn is not { } served) return null;
        if (state.Instalments.Count > 0) return new CalendarResult(state.Instalments[^1].DueOn, []);
        if (state.DeferredDueOn is { } deferred) return new CalendarResult(deferred, []);
        return calendar.EndOfPeriod(served.PlusDays(15));
    }

    /// <summary>
    /// 加处罚款 (行政处罚法第七十二条第一项): 3 % of the unpaid fine for every day after the due date, never more than the
    /// fine. Computed on the part of the fine still unpaid when it fell due, rounded down to the fen.
    /// </summary>
    public static Money LateSurcharge(CaseState state, WorkingDayCalendar calendar, LocalDate asOf)
    {
        if (PaymentDueOn(state, calendar) is not { } due || state.Decision is null) return Money.Zero;
        var fines = state.Decision.Items.Fines();
        if (fines == Money.Zero) return Money.Zero;
        var paidByDue = Money.Sum(state.Payments.Where(p => p.On <= due).Select(p => p.Amount));
        var unpaidFine = Money.Min(fines, Money.SaturatingSubtract(state.AmountImposed, paidByDue));
        if (unpaidFine == Money.Zero) return Money.Zero;
        var settledOn = PaidUpTo(state, state.AmountImposed) ?? asOf;
        var end = settledOn < asOf ? settledOn : asOf;
        var daysLate = Period.Between(due, end, PeriodUnits.Days).Days;
        if (daysLate <= 0) return Money.Zero;
        // In decimal: fen × 3 × days overflows a long for a large fine read far in the future (an as-of date in 2999).
        var surchargeFen = decimal.Truncate(unpaidFine.Fen * 3m * daysLate / 100m);
        return surchargeFen >= fines.Fen ? fines : Money.FromFen((long)surchargeFen);
    }

    private static Money PaidBeforeInstalments(CaseState state) => Money.SaturatingSubtract(state.AmountImposed, Money.Sum(state.Instalments.Select(i => i.Amount)));

    private static LocalDate? PaidUpTo(CaseState state, Money target)
    {
        if (target == Money.Zero) return null;
        var paid = Money.Zero;
        foreach (var p in state.Payments.OrderBy(p => p.On))
        {
            paid += p.Amount;
            if (paid >= target) return p.On;
        }
        return null;
    }

    /// <summary>Calendar days of the excluded periods <paramref name="counted"/> (all when null) between
    /// <paramref name="since"/> and <paramref name="until"/>: for the decision period, since the filing (time before it is
    /// the filing period's); for a hold, since the goods were held.</summary>
    private static int ExcludedDays(CaseState state, LocalDate since, LocalDate until, Func<ExcludedPeriod, bool>? counted = null)
    {
        var days = 0;
        foreach (var period in state.ExcludedPeriods.Where(counted ?? (_ => true)))
        {
            var start = period.From < since ? since : period.From;
            var end = period.Until ?? until;
            if (end > until) end = until;
            if (end > start) days += Period.Between(start, end, PeriodUnits.Days).Days;
        }
        return days;
    }

    /// <summary>Testing, inspection, quarantine and appraisal: what a hold leaves out (行政强制法第二十五条第三款).</summary>
    private static bool Testing(ExcludedPeriod period) => period.Kind is ExcludedPeriodKind.Testing or ExcludedPeriodKind.Inspection
        or ExcludedPeriodKind.Quarantine or ExcludedPeriodKind.Appraisal;

    /// <summary>Working days of the periods the filing period leaves out, between the lead and the filing decision (or
    /// <paramref name="until"/>, while it is pending): each is added to the 15 (or 30) working days.</summary>
    private static int ExcludedFromFilingWorkingDays(CaseState state, LocalDate lead, WorkingDayCalendar calendar, LocalDate until)
    {
        var days = 0;
        foreach (var period in state.ExcludedPeriods.Where(p => p.Kind is { } kind && ExcludedPeriod.ExcludedFromFiling(kind)))
        {
            var end = period.Until ?? until;
            if (end > until) end = until;
            for (var day = period.From < lead ? lead : period.From; day < end; day = day.PlusDays(1))
                if (calendar.IsWorkingDay(day)) days++;
        }
        return days;
    }
}
