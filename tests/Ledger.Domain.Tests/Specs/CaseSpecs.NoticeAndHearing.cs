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

    // ----- the party is heard before a penalty (行政处罚法第四十五条、第六十二条、第六十四条) -----
    // Notice(…) is served on 2025-03-25 with the period to state a defence (and, from 10,000 yuan, to request a hearing)
    // running to 2025-04-01.

    [Fact]
    public void GivenNotice_WhenPenaltyDecidedWithinThePartysPeriod_ThenRefusedNamingTheDayAndArticle62() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(5_000))]).When(Decision(Fine(5_000)) with { On = D(2025, 3, 31) })
            .ThenFails("on", "until 2025-04-01", "第四十五条", "第六十二条", "waive_defence_rights");

    [Fact]
    public void GivenNotice_WhenPenaltyDecidedOnTheLastDayOfThePeriod_ThenRefused() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(5_000))]).When(Decision(Fine(5_000)) with { On = D(2025, 4, 1) })
            .ThenFails("on", "until 2025-04-01");

    [Fact]
    public void GivenNotice_WhenPenaltyDecidedTheDayAfterThePeriod_ThenDecided() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(5_000))]).When(Decision(Fine(5_000)) with { On = D(2025, 4, 2) })
            .ThenAccepted().Status.ShouldBe(CaseStatus.Decided);

    [Fact]
    public void GivenNoticeAndTheStatementHeard_WhenDecidedWithinThePeriod_ThenDecided() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(5_000)), new CaseEvent.StatementOfDefenceReceived(D(2025, 3, 26), "对事实无异议")])
            .When(Decision(Fine(5_000)) with { On = D(2025, 3, 27) }).ThenAccepted().Status.ShouldBe(CaseStatus.Decided);

    [Fact]
    public void GivenNoticeWithAHearingRightAndTheStatementHeard_WhenDecidedWithinThePeriod_ThenRefusedWhileAHearingMayStillBeRequested() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), new CaseEvent.StatementOfDefenceReceived(D(2025, 3, 26), "对事实无异议")])
            .When(Decision(Fine(20_000)) with { On = D(2025, 3, 27) }).ThenFails("on", "request a hearing", "第六十四条");

    [Fact]
    public void GivenNoticeWithAHearingRight_WhenDecidedAfterTheHearingWithinThePeriod_ThenDecided() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), new CaseEvent.HearingRequested(D(2025, 3, 26)),
                new CaseEvent.HearingHeld(D(2025, 3, 28), HearingOfficer, "当事人到场陈述")])
            .When(Decision(Fine(20_000)) with { On = D(2025, 3, 31) }).ThenAccepted().Status.ShouldBe(CaseStatus.Decided);

    [Fact]
    public void GivenNoticeAndAWrittenWaiver_WhenDecidedWithinThePeriod_ThenDecided() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), new CaseEvent.DefenceRightsWaived(D(2025, 3, 25), "当事人书面放弃陈述、申辩和听证的权利")])
            .When(Decision(Fine(20_000)) with { On = D(2025, 3, 26) }).ThenAccepted().Status.ShouldBe(CaseStatus.Decided);

    [Fact]
    public void GivenNotice_WhenThePartyWaivesInWriting_ThenTheWaiverIsRecorded() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000))]).When(new WaiveDefenceRights(D(2025, 3, 25), "当事人书面放弃陈述、申辩和听证的权利"))
            .Then(new CaseEvent.DefenceRightsWaived(D(2025, 3, 25), "当事人书面放弃陈述、申辩和听证的权利"));

    [Fact]
    public void GivenNoNotice_WhenThePartyWaives_ThenRefused() =>
        Given(FiledCase()).When(new WaiveDefenceRights(D(2025, 3, 25), "放弃")).ThenFails("case", "none has been served");

    [Fact]
    public void GivenAHearingRequested_WhenThePartyWaives_ThenRefusedSayingToWithdrawTheRequest() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), new CaseEvent.HearingRequested(D(2025, 3, 26))])
            .When(new WaiveDefenceRights(D(2025, 3, 27), "放弃")).ThenFails("case", "withdraw_hearing_request");

    [Fact]
    public void GivenANewNoticeAfterAWaiver_WhenDecidedWithinItsPeriod_ThenRefused() =>
        // A waiver answers the notice it was given on; a new notice opens a new period.
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), new CaseEvent.DefenceRightsWaived(D(2025, 3, 25), "放弃"),
                Notice(Fine(10_000)) with { On = D(2025, 3, 27), StatementDueOn = D(2025, 4, 3), HearingRequestDueOn = D(2025, 4, 3) }])
            .When(Decision(Fine(10_000)) with { On = D(2025, 3, 28) }).ThenFails("on", "until 2025-04-03");

    // ----- steps follow the steps they depend on, by their legal dates -----

    [Fact]
    public void GivenFiledCase_WhenAPenaltyIsDatedBeforeTheFiling_ThenRefused() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(5_000))]).When(Decision(Fine(5_000)) with { On = D(2025, 2, 20) })
            .ThenFails("on", "cannot precede the advance notice of 2025-03-25");

    [Fact]
    public void GivenFiledCase_WhenOfficersAreDatedBeforeTheFiling_ThenRefused() =>
        Given(Lead(), Filed()).When(new AssignOfficers(D(2025, 2, 21), [Zhang, Li])).ThenFails("on", "cannot precede the filing of 2025-02-25");

    [Fact]
    public void GivenFiledCase_WhenEvidenceFromTheVerificationBeforeFilingIsRecorded_ThenAccepted() =>
        // Inspection and evidence before filing belong to the verification of the lead (行政处罚法第五十四条、第五十五条).
        Given(FiledCase()).When(new RecordEvidence(D(2025, 2, 21), "现场检查笔录")).ThenAccepted().EvidenceCount.ShouldBe(1);

    [Fact]
    public void GivenNotice_WhenAStatementOfDefenceIsDatedBeforeIt_ThenRefused() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(5_000))]).When(new RecordStatementOfDefence(D(2025, 3, 24), "无异议"))
            .ThenFails("on", "cannot precede the advance notice");

    [Fact]
    public void GivenDecision_WhenServiceIsDatedBeforeIt_ThenRefused() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(5_000)), Penalty(Fine(5_000))]).When(new ServeDecision(D(2025, 4, 14), "直接送达"))
            .ThenFails("on", "cannot precede the decision of 2025-04-15");
}
