namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    [Fact]
    public void GivenFiledCase_WhenAHandlerDoesTheLegalReview_ThenRefusedBySeparationOfDuties() =>
        Given(FiledCase()).When(new CompleteLegalReview(D(2025, 3, 20), Zhang.CertificateNumber, true, "同意"))
            .ThenFails("reviewer_id", "handler", "第五十八条");

    [Fact]
    public void GivenFiledCase_WhenNoticeProposesAFineOfTenThousandToAPerson_ThenTheHearingRightIsGrantedWithDueDatesInWorkingDays() =>
        // Served Tue 2025-04-01; five working days skip the 清明 holiday (Fri 4 – Sun 6 April): 2, 3, 7, 8, 9 April.
        Given(FiledCase()).When(new ServeAdvanceNotice(D(2025, 4, 1), [Fine(10_000), StopOrder], TrademarkBases))
            .Then(new CaseEvent.AdvanceNoticeServed(D(2025, 4, 1), [Fine(10_000), StopOrder], TrademarkBases, D(2025, 4, 9), true, D(2025, 4, 9)));

    [Fact]
    public void GivenFiledCaseAgainstACompany_WhenNoticeProposesFiftyThousand_ThenNoHearingRight() =>
        Given(FiledCase(party: Company)).When(new ServeAdvanceNotice(D(2025, 3, 25), [Fine(50_000)], TrademarkBases))
            .ThenAccepted().Notice!.HearingRightGranted.ShouldBeFalse();

    [Fact]
    public void GivenHearingThresholdConfiguredLower_WhenNoticeProposesFiveThousand_ThenHearingRightGranted()
    {
        HearingThresholds = Law.HearingThresholds.SamrDefault with { NaturalPersonFine = Yuan(5_000) };
        Given(FiledCase()).When(new ServeAdvanceNotice(D(2025, 3, 25), [Fine(5_000)], TrademarkBases))
            .ThenAccepted().Notice!.HearingRightGranted.ShouldBeTrue();
    }

    [Fact]
    public void GivenNoticeWithoutHearingRight_WhenHearingRequested_ThenRefused() =>
        Given([.. FiledCase(), Notice(Fine(5_000))]).When(new RequestHearing(D(2025, 3, 27))).ThenFails("case", "hearing threshold", "第六十三条");

    [Fact]
    public void GivenOneHandlerOnly_WhenNoticeServed_ThenRefused() =>
        Given(Lead(), Filed(), new CaseEvent.OfficersAssigned(D(2025, 2, 25), [Zhang]))
            .When(new ServeAdvanceNotice(D(2025, 3, 25), [Fine(5_000)], TrademarkBases)).ThenFails("case", "two certified officers");

    [Fact]
    public void GivenNotice_WhenItProposesOnlyAnOrder_ThenRefusedBecauseANoticeProposesAPenalty() =>
        Given(FiledCase()).When(new ServeAdvanceNotice(D(2025, 3, 25), [StopOrder], TrademarkBases)).ThenFails("proposed_items", "at least one penalty");

    [Fact]
    public void GivenHearingRequested_WhenPenaltyDecided_ThenRefusedUntilTheHearingIsHeld() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), new CaseEvent.HearingRequested(D(2025, 3, 27))])
            .When(new DecidePenalty(D(2025, 4, 15), "稷市监处罚〔2025〕12号", [Fine(20_000)], TrademarkBases, Head))
            .ThenFails("case", "hearing was requested on 2025-03-27", "第六十四条");

    [Fact]
    public void GivenHearingRequested_WhenAHandlerPresides_ThenRefused() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), new CaseEvent.HearingRequested(D(2025, 3, 27))])
            .When(new HoldHearing(D(2025, 4, 8), Li.CertificateNumber, "听证")).ThenFails("presided_by", "handler", "第六十四条第四项");

    [Fact]
    public void GivenHearingHeld_WhenPenaltyDecided_ThenDecided() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), new CaseEvent.HearingRequested(D(2025, 3, 27)),
                new CaseEvent.HearingHeld(D(2025, 4, 8), HearingOfficer, "听证")])
            .When(new DecidePenalty(D(2025, 4, 15), "稷市监处罚〔2025〕12号", [Fine(20_000)], TrademarkBases, Head))
            .ThenAccepted().Status.ShouldBe(CaseStatus.Decided);

    [Fact]
    public void GivenHearingRequestWithdrawn_WhenPenaltyDecided_ThenDecided() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), new CaseEvent.HearingRequested(D(2025, 3, 27)),
                new CaseEvent.HearingRequestWithdrawn(D(2025, 3, 29))])
            .When(new DecidePenalty(D(2025, 4, 15), "稷市监处罚〔2025〕12号", [Fine(20_000)], TrademarkBases, Head))
            .ThenAccepted().Status.ShouldBe(CaseStatus.Decided);

    [Fact]
    public void GivenNoNotice_WhenStatementOfDefenceRecorded_ThenRefused() =>
        Given(FiledCase()).When(new RecordStatementOfDefence(D(2025, 3, 27), "申辩")).ThenFails("case", "no", "advance notice");
}
