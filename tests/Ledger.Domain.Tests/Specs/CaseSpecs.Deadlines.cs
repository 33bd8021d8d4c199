using Ledger.Domain.Calendar;

namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    private Deadline DecisionDeadline(CaseState state, LocalDate today) =>
        CaseDeadlines.Compute(state, Calendar, today).Deadlines.Single(d => d.Name == "decision");

    [Fact]
    public void GivenFiledCase_WhenDecisionTakenAfter90Days_ThenRecordedAndFlaggedLate()
    {
        // Filed 2025-02-25: 90 days end on Mon 2025-05-26.
        var state = Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000))])
            .When(new DecidePenalty(D(2025, 6, 3), "稷市监处罚〔2025〕12号", [Fine(20_000)], TrademarkBases, Head)).ThenAccepted();
        var decision = DecisionDeadline(state, D(2025, 12, 1));
        decision.DueOn.ShouldBe(D(2025, 5, 26));
        decision.Status.ShouldBe(DeadlineStatus.MetLate);
    }

    [Fact]
    public void GivenFiledCaseWithExtension_WhenDecidedOnDay100_ThenMetInTime()
    {
        var state = CaseModel.Replay([.. FiledCase(), new CaseEvent.DecisionPeriodExtended(D(2025, 5, 20), Head, "案情复杂"),
            Reviewed(), Notice(Fine(20_000)), Penalty(Fine(20_000)) with { On = D(2025, 6, 5) }]);
        var decision = DecisionDeadline(state, D(2025, 12, 1));
        decision.DueOn.ShouldBe(D(2025, 6, 25));
        decision.Status.ShouldBe(DeadlineStatus.Met);
    }

    [Fact]
    public void GivenSuspensionOfTwentyDays_WhenTheDecisionDeadlineIsComputed_ThenItMovesByTwentyDays()
    {
        var state = CaseModel.Replay([.. FiledCase(), new CaseEvent.CaseSuspended(D(2025, 3, 1), "权属争议"), new CaseEvent.CaseResumed(D(2025, 3, 21), "已消除")]);
        DecisionDeadline(state, D(2025, 4, 1)).DueOn.ShouldBe(D(2025, 6, 16)); // 2025-05-26 + 20 = Sun 2025-06-15 → Mon 06-16
    }

    [Fact]
    public void GivenHearingTime_WhenTheDecisionDeadlineIsComputed_ThenTheHearingTimeIsExcluded()
    {
        var state = CaseModel.Replay([.. FiledCase(), Reviewed(), Notice(Fine(20_000)),
            new CaseEvent.HearingRequested(D(2025, 3, 27)), new CaseEvent.HearingHeld(D(2025, 4, 8), HearingOfficer, "听证")]);
        DecisionDeadline(state, D(2025, 4, 9)).DueOn.ShouldBe(D(2025, 6, 9)); // + 12 days: Sat 06-07 → Mon 06-09
    }

    [Fact]
    public void GivenPeriodEndingInTheNationalDayHoliday_WhenComputed_ThenItEndsOnTheFirstWorkingDayAfter()
    {
        // Filed 2025-07-03: day 90 is 2025-10-01, inside the 1–8 October holiday, so the period ends Thu 2025-10-09.
        var state = CaseModel.Replay([Lead() with { On = D(2025, 7, 1) }, Filed(D(2025, 7, 3))]);
        DecisionDeadline(state, D(2025, 7, 4)).DueOn.ShouldBe(D(2025, 10, 9));
    }

    [Fact]
    public void GivenDecidedCase_WhenServedAfterSevenWorkingDays_ThenServiceFlaggedLate()
    {
        var state = CaseModel.Replay([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), Penalty(Fine(20_000)), Served(D(2025, 4, 28))]);
        var service = CaseDeadlines.Compute(state, Calendar, D(2025, 12, 1)).Deadlines.Single(d => d.Name == "service");
        service.DueOn.ShouldBe(D(2025, 4, 24));
        service.Status.ShouldBe(DeadlineStatus.MetLate);
    }

    [Fact]
    public void GivenLeadInLateDecember2026_WhenTheFilingDeadlineRunsInto2027_ThenItWarnsThatTheCalendarDoesNotCoverIt()
    {
        Clock.SetChinaDate(D(2026, 12, 21));
        var state = Given().When(RegisterShoeShopLead() with { On = D(2026, 12, 21), ViolationOn = D(2026, 12, 1) }).ThenAccepted();
        var filing = CaseDeadlines.Compute(state, Calendar, D(2026, 12, 21)).Deadlines.Single(d => d.Name == "filing");
        filing.Warnings.ShouldContain(w => w.Contains("no holiday arrangement for 2027"));
    }

    [Fact]
    public void GivenAnOperatorCalendarWithAnUnconfirmedYear_WhenADeadlineDependsOnIt_ThenItWarns()
    {
        Calendar = WorkingDayCalendar.Parse("""
            [2025]
            status: unconfirmed
            notice: draft, not yet checked
            off 2025-10-01 2025-10-08 国庆节
            """, "operator.txt");
        var filing = CaseDeadlines.Compute(CaseModel.Replay([Lead()]), Calendar, D(2025, 2, 20)).Deadlines.Single(d => d.Name == "filing");
        filing.Warnings.ShouldContain(w => w.Contains("marked unconfirmed") && w.Contains("2025"));
    }

    [Fact]
    public void GivenTheShippedCalendar_WhenADeadlineLiesIn2025_ThenThereIsNoWarning() =>
        CaseDeadlines.Compute(CaseModel.Replay([Lead()]), Calendar, D(2025, 2, 20)).Warnings.ShouldBeEmpty();
}
