using static Ledger.Domain.CaseEvent;

namespace Ledger.Domain.Tests.Specs;

/// <summary>Which reminders a change calls for, and what a reminder finds when it fires (issue 22).</summary>
public sealed partial class CaseSpecs
{
    private IReadOnlyList<Deadline> RemindersAfter(CaseEvent[] given, params CaseEvent[] when) => RemindersOn(D(2025, 2, 19), given, when);

    /// <summary>Excluded periods count up to the day the deadline is computed on.</summary>
    private IReadOnlyList<Deadline> RemindersOn(LocalDate today, CaseEvent[] given, params CaseEvent[] when)
    {
        var before = CaseModel.Replay(given);
        return DeadlineReminders.Plan(before, when.Aggregate(before, CaseModel.Evolve), Calendar, today);
    }

    private static string Planned(IReadOnlyList<Deadline> reminders) => string.Join("; ", reminders.Select(r => $"{r.Name} {r.DueOn:yyyy-MM-dd}"));

    [Fact]
    public void GivenNothing_WhenALeadIsRegistered_ThenTheFilingDecisionIsRemindedAfter15WorkingDays()
    {
        // Wed 2025-02-19 + 15 working days = Wed 2025-03-12 (市场监督管理行政处罚程序规定第十八条).
        Planned(RemindersAfter([], Lead())).ShouldBe("filing 2025-03-12");
    }

    [Fact]
    public void GivenALead_WhenTheFilingPeriodIsExtended_ThenTheReminderIsReplannedFor30WorkingDays()
    {
        Planned(RemindersAfter([Lead()], new FilingPeriodExtended(D(2025, 3, 10), Head, "案情复杂"))).ShouldBe("filing 2025-04-02");
    }

    [Fact]
    public void GivenALead_WhenTheCaseIsFiled_ThenTheDecisionIsRemindedAndFilingNoLonger()
    {
        // Filed 2025-02-25: 90 days end on Mon 2025-05-26.
        Planned(RemindersAfter([Lead()], Filed())).ShouldBe("decision 2025-05-26");
    }

    [Fact]
    public void GivenAFiledCase_WhenTheDecisionPeriodIsExtended_ThenTheDecisionReminderMovesBy30Days()
    {
        Planned(RemindersAfter(FiledCase(), new DecisionPeriodExtended(D(2025, 5, 20), Head, "案情复杂"))).ShouldBe("decision 2025-06-25");
    }

    [Fact]
    public void GivenAFiledCase_WhenTheCaseIsSuspendedAndResumed_ThenTheDecisionReminderMovesByTheSuspension()
    {
        Planned(RemindersOn(D(2025, 3, 21), FiledCase(), new CaseSuspended(D(2025, 3, 1), "权属争议"), new CaseResumed(D(2025, 3, 21), "已消除")))
            .ShouldBe("decision 2025-06-16");
    }

    [Fact]
    public void GivenANotice_WhenThePenaltyIsDecided_ThenServiceIsRemindedAfter7WorkingDays()
    {
        Planned(RemindersAfter([.. FiledCase(), Reviewed(), Notice(Fine(20_000))], Penalty(Fine(20_000)))).ShouldBe("service 2025-04-24");
    }

    [Fact]
    public void GivenADecision_WhenItIsServed_ThenPaymentIsRemindedAfter15DaysEndingOnAWorkingDay()
    {
        // Served 2025-04-16 + 15 days = Thu 2025-05-01, inside the Labour Day holiday (1–5 May): due Tue 2025-05-06.
        Planned(RemindersAfter([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), Penalty(Fine(20_000))], Served())).ShouldBe("payment 2025-05-06");
    }

    [Fact]
    public void GivenAServedDecision_WhenPaymentIsDeferred_ThenThePaymentReminderIsReplannedForTheNewDate()
    {
        Planned(RemindersAfter(DecidedAndServed(), new PaymentDeferred(D(2025, 4, 20), D(2025, 6, 30), Head, "经济困难"))).ShouldBe("payment 2025-06-30");
    }

    [Fact]
    public void GivenAFiledCase_WhenGoodsAreSealed_ThenTheHoldIsRemindedAfter30Days()
    {
        Planned(RemindersAfter(FiledCase(), new GoodsHeld(D(2025, 3, 1), "F-1", GoodsMeasure.Sealed, "假冒运动鞋 120 双", null))).ShouldBe("goods:F-1 2025-03-31");
    }

    [Fact]
    public void GivenAFiledCase_WhenAStepMovesNoDeadline_ThenNothingIsReminded()
    {
        RemindersAfter(FiledCase(), Reviewed()).ShouldBeEmpty();
    }

    [Fact]
    public void GivenTheStepWasTaken_WhenTheReminderFires_ThenItFindsTheDeadlineKept()
    {
        var filed = CaseModel.Replay([Lead(), Filed()]);
        DeadlineReminders.Check(filed, "filing", Calendar, D(2025, 3, 13)).ShouldBeOfType<ReminderFinding.Kept>();
    }

    [Fact]
    public void GivenTheStepWasNotTaken_WhenTheReminderFires_ThenItFindsTheDeadlineOverdue()
    {
        var lead = CaseModel.Replay([Lead()]);
        var finding = DeadlineReminders.Check(lead, "filing", Calendar, D(2025, 3, 13)).ShouldBeOfType<ReminderFinding.Overdue>();
        finding.Deadline.DueOn.ShouldBe(D(2025, 3, 12));
    }

    [Fact]
    public void GivenTheDeadlineWasExtended_WhenTheReminderOfTheOldDateFires_ThenItFindsItNotYetDue()
    {
        var extended = CaseModel.Replay([.. FiledCase(), new DecisionPeriodExtended(D(2025, 5, 20), Head, "案情复杂")]);
        var finding = DeadlineReminders.Check(extended, "decision", Calendar, D(2025, 5, 27)).ShouldBeOfType<ReminderFinding.NotYetDue>();
        finding.Deadline.DueOn.ShouldBe(D(2025, 6, 25));
    }

    [Fact]
    public void GivenADueDate_WhenItsReminderFires_ThenItIsMidnightOfTheNextDayInChina()
    {
        DeadlineReminders.FiresAt(D(2025, 3, 12)).ShouldBe(Instant.FromUtc(2025, 3, 12, 16, 0));
    }
}
