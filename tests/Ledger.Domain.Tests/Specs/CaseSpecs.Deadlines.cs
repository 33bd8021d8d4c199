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

    // ----- excluded periods (《市场监督管理行政处罚程序规定》第十八条、第六十三条) -----

    private Deadline FilingDeadline(CaseState state, LocalDate today) =>
        CaseDeadlines.Compute(state, Calendar, today).Deadlines.Single(d => d.Name == "filing");

    [Fact]
    public void GivenLead_WhenTheRightHolderIdentifiesTheGoods_ThenTheFilingPeriodLeavesOutThoseWorkingDays()
    {
        // Lead Wed 2025-02-19: 15 working days end Wed 03-12. Identification Thu 02-20 to Thu 02-27 takes 5 working days
        // (20, 21, 24, 25, 26), so filing is due five working days later, Wed 03-19, and filing on 03-18 is in time.
        Given(Lead()).When(new StartExcludedPeriod(D(2025, 2, 20), ExcludedPeriodKind.RightHolderIdentification, "委托权利人辨认"))
            .Then(new CaseEvent.ExcludedPeriodStarted(D(2025, 2, 20), ExcludedPeriodKind.RightHolderIdentification, "委托权利人辨认"));
        var state = Given(Lead(), new CaseEvent.ExcludedPeriodStarted(D(2025, 2, 20), ExcludedPeriodKind.RightHolderIdentification, "委托权利人辨认"))
            .When(new EndExcludedPeriod(D(2025, 2, 27), ExcludedPeriodKind.RightHolderIdentification)).ThenAccepted();
        FilingDeadline(CaseModel.Replay([Lead()]), D(2025, 12, 1)).DueOn.ShouldBe(D(2025, 3, 12));
        FilingDeadline(state, D(2025, 12, 1)).DueOn.ShouldBe(D(2025, 3, 19));
        var filed = CaseModel.Evolve(state, Filed(D(2025, 3, 18)));
        FilingDeadline(filed, D(2025, 12, 1)).Status.ShouldBe(DeadlineStatus.Met);
    }

    [Fact]
    public void GivenFiledCase_WhenGoodsAreAppraisedForTwentyDays_ThenTheDecisionPeriodMovesByTwentyDays()
    {
        var state = CaseModel.Replay([.. FiledCase(), new CaseEvent.ExcludedPeriodStarted(D(2025, 3, 1), ExcludedPeriodKind.Appraisal, "委托鉴定机构鉴定"),
            new CaseEvent.ExcludedPeriodEnded(D(2025, 3, 21), ExcludedPeriodKind.Appraisal)]);
        DecisionDeadline(state, D(2025, 4, 1)).DueOn.ShouldBe(D(2025, 6, 16)); // 2025-05-26 + 20 = Sun 06-15 → Mon 06-16
    }

    [Fact]
    public void GivenAnIdentificationBeforeFiling_WhenTheDecisionDeadlineIsComputed_ThenItCountsOnlyTowardsTheFilingPeriod()
    {
        var state = CaseModel.Replay([Lead(), new CaseEvent.ExcludedPeriodStarted(D(2025, 2, 20), ExcludedPeriodKind.RightHolderIdentification, "辨认"),
            new CaseEvent.ExcludedPeriodEnded(D(2025, 2, 24), ExcludedPeriodKind.RightHolderIdentification), Filed(), Officers()]);
        DecisionDeadline(state, D(2025, 4, 1)).DueOn.ShouldBe(D(2025, 5, 26));
    }

    [Fact]
    public void GivenAnOpenPeriod_WhenTheDecisionDeadlineIsComputed_ThenTheClockStaysStoppedUntilToday()
    {
        var state = CaseModel.Replay([.. FiledCase(), new CaseEvent.ExcludedPeriodStarted(D(2025, 3, 1), ExcludedPeriodKind.Testing, "送检")]);
        DecisionDeadline(state, D(2025, 3, 11)).DueOn.ShouldBe(D(2025, 6, 5)); // 2025-05-26 + 10
    }

    [Fact]
    public void GivenLead_WhenAPublicNoticeIsStarted_ThenRefusedBecauseItStopsOnlyTheDecisionPeriod() =>
        Given(Lead()).When(new StartExcludedPeriod(D(2025, 2, 20), ExcludedPeriodKind.PublicNotice, "公告送达"))
            .ThenFails("kind", "does not stop the filing period", "第十八条");

    [Fact]
    public void GivenAnOpenTesting_WhenAnotherIsStarted_ThenRefused() =>
        Given([.. FiledCase(), new CaseEvent.ExcludedPeriodStarted(D(2025, 3, 1), ExcludedPeriodKind.Testing, "送检")])
            .When(new StartExcludedPeriod(D(2025, 3, 2), ExcludedPeriodKind.Testing, "再次送检")).ThenFails("kind", "already open since 2025-03-01");

    [Fact]
    public void GivenNoOpenTesting_WhenOneIsEnded_ThenRefused() =>
        Given(FiledCase()).When(new EndExcludedPeriod(D(2025, 3, 2), ExcludedPeriodKind.Testing)).ThenFails("kind", "no period of 检测 is open");

    [Fact]
    public void GivenAnOpenTesting_WhenItEndsBeforeItBegan_ThenRefused() =>
        Given([.. FiledCase(), new CaseEvent.ExcludedPeriodStarted(D(2025, 3, 10), ExcludedPeriodKind.Testing, "送检")])
            .When(new EndExcludedPeriod(D(2025, 3, 2), ExcludedPeriodKind.Testing)).ThenFails("on", "cannot end");
}
