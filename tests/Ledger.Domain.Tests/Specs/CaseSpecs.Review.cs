namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    private static readonly CaseEvent.ReviewApplied Reconsideration = new(D(2025, 5, 10), ReviewKind.Reconsideration, "运城市人民政府");
    private static CaseEvent[] ClosedAndChallenged() => [.. DecidedAndServed(), Paid(20_000), Closed(), Reconsideration];

    [Fact]
    public void GivenChallengedDecision_WhenVariedToALowerFine_ThenTheDecisionNowImposesTheLowerFine()
    {
        var state = Given(ClosedAndChallenged())
            .When(new ConcludeReview(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.Varied, "运政复决字〔2025〕8号", [Fine(15_000), StopOrder]))
            .ThenAccepted();
        state.AmountImposed.ShouldBe(Yuan(15_000));
        state.EarlierDecisions.Single().Items.Fines().ShouldBe(Yuan(20_000));
        state.Status.ShouldBe(CaseStatus.Closed);
    }

    [Fact]
    public void GivenChallengedDecision_WhenVariedToAHeavierFine_ThenRefusedBecauseReviewMayNotWorsen() =>
        Given(ClosedAndChallenged())
            .When(new ConcludeReview(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.Varied, "运政复决字〔2025〕8号", [Fine(25_000)]))
            .ThenFails("varied_items", "heavier", "行政复议法第六十三条第二款");

    [Fact]
    public void GivenChallengedDecision_WhenUpheldWithItems_ThenRefusedBecauseOnlyVariedOutcomesCarryItems() =>
        Given(ClosedAndChallenged())
            .When(new ConcludeReview(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.Upheld, "x", [Fine(1)]))
            .ThenFails("varied_items", "only a varied outcome");

    [Fact]
    public void GivenNoPendingLawsuit_WhenLawsuitConcluded_ThenRefused() =>
        Given(ClosedAndChallenged())
            .When(new ConcludeReview(D(2025, 7, 10), ReviewKind.Litigation, ReviewOutcome.Upheld, "x", [])).ThenFails("kind", "no litigation is pending");

    [Fact]
    public void GivenClosedCaseRevokedWithAnOrderToDecideAgain_WhenANewFineIsDecidedWithoutANewNotice_ThenRefused()
    {
        var revoked = new CaseEvent.ReviewConcluded(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.RevokedWithOrderToDecideAgain, "运政复决字〔2025〕9号", []);
        var state = CaseModel.Replay([.. ClosedAndChallenged(), revoked]);
        state.Status.ShouldBe(CaseStatus.Investigating);
        state.AwaitingNewDecision.ShouldBeTrue();
        state.AmountImposed.ShouldBe(Money.Zero);
        Given([.. ClosedAndChallenged(), revoked])
            .When(new DecidePenalty(D(2025, 8, 1), "稷市监处罚〔2025〕30号", [Fine(10_000)], TrademarkBases, Head))
            .ThenFails("items", "advance notice");
    }

    [Fact]
    public void GivenRevokedWithAnOrderToDecideAgain_WhenNewNoticeReviewAndDecision_ThenTheNewDecisionStands()
    {
        var revoked = new CaseEvent.ReviewConcluded(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.RevokedWithOrderToDecideAgain, "运政复决字〔2025〕9号", []);
        var state = Given([.. ClosedAndChallenged(), revoked,
                new CaseEvent.LegalReviewCompleted(D(2025, 7, 20), Reviewer, true, "同意"),
                new CaseEvent.AdvanceNoticeServed(D(2025, 7, 21), [Fine(10_000)], TrademarkBases, D(2025, 7, 28), true, D(2025, 7, 28))])
            .When(new DecidePenalty(D(2025, 8, 1), "稷市监处罚〔2025〕30号", [Fine(10_000)], TrademarkBases, Head)).ThenAccepted();
        state.Status.ShouldBe(CaseStatus.Decided);
        state.AmountImposed.ShouldBe(Yuan(10_000));
        state.EarlierDecisions.Count.ShouldBe(1);
        // Under the decided caliber the case counts again, from the new decision.
        CaseContribution.Of(state)!.DateFor(Caliber.Decided).ShouldBe(D(2025, 8, 1));
    }

    [Fact]
    public void GivenADecisionRevoked_WhenCountedUnderTheDecidedCaliber_ThenTheCaseNoLongerCountsUntilANewDecision()
    {
        // The statistics follow the decision in force: a revoked one is no decision to count (case or amounts).
        var revoked = CaseModel.Replay([.. ClosedAndChallenged(),
            new CaseEvent.ReviewConcluded(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.RevokedWithOrderToDecideAgain, "运政复决字〔2025〕9号", [])]);
        var counted = CaseContribution.Of(revoked)!;
        counted.DateFor(Caliber.Decided).ShouldBeNull();
        counted.Fines.ShouldBe(Money.Zero);
        counted.DateFor(Caliber.Filed).ShouldBe(D(2025, 2, 25));
    }

    [Fact]
    public void GivenDecisionRevokedOutright_WhenRevenueIsCounted_ThenNothingIsImposed() =>
        CaseModel.Replay([.. ClosedAndChallenged(),
            new CaseEvent.ReviewConcluded(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.Revoked, "运政复决字〔2025〕9号", [])])
            .AmountImposed.ShouldBe(Money.Zero);

    // ----- decisions that change otherwise than by a review's decision -----

    [Fact]
    public void GivenAPendingReconsideration_WhenTheApplicantWithdrawsIt_ThenTheDecisionStands()
    {
        var state = Given(ClosedAndChallenged())
            .When(new ConcludeReview(D(2025, 6, 1), ReviewKind.Reconsideration, ReviewOutcome.Withdrawn, "运政复终字〔2025〕2号", [])).ThenAccepted();
        state.ReviewPending.ShouldBeFalse();
        state.Reviews.Single().Outcome.ShouldBe(ReviewOutcome.Withdrawn);
        state.AmountImposed.ShouldBe(CaseModel.Replay(ClosedAndChallenged()).AmountImposed);
    }

    [Fact]
    public void GivenAClosedCase_WhenTheRightHolderBringsAReconsideration_ThenItIsRecordedAsTheirs() =>
        Given(ClosedAndChallenged().Where(e => e is not CaseEvent.ReviewApplied).ToArray())
            .When(new ApplyForReview(D(2025, 5, 10), ReviewKind.Reconsideration, "运城市人民政府", ReviewApplicant.RightHolder, "New Balance Athletics, Inc."))
            .Then(new CaseEvent.ReviewApplied(D(2025, 5, 10), ReviewKind.Reconsideration, "运城市人民政府", ReviewApplicant.RightHolder, "New Balance Athletics, Inc."))
            .Reviews.Single().Applicant.ShouldBe(ReviewApplicant.RightHolder);

    [Fact]
    public void GivenAThirdPartyReview_WhenItsApplicantIsNotNamed_ThenRefusedNamingTheField() =>
        Given(ClosedAndChallenged().Where(e => e is not CaseEvent.ReviewApplied).ToArray())
            .When(new ApplyForReview(D(2025, 5, 10), ReviewKind.Litigation, "稷山县人民法院", ReviewApplicant.Complainant))
            .ThenFails("applicant_name", "may not be blank");

    [Fact]
    public void GivenADecision_WhenTheBureauRevokesItToDecideAgain_ThenTheCaseReopensAndItIsNotTheReconsiderationBodys()
    {
        var state = Given(ClosedAndChallenged())
            .When(new ChangeOwnDecision(D(2025, 6, 1), ReviewOutcome.RevokedWithOrderToDecideAgain, "发现认定事实有误", Head, []))
            .Then(new CaseEvent.DecisionChangedByBureau(D(2025, 6, 1), ReviewOutcome.RevokedWithOrderToDecideAgain, "发现认定事实有误", Head, []));
        state.Status.ShouldBe(CaseStatus.Investigating);
        state.AwaitingNewDecision.ShouldBeTrue();
        state.AmountImposed.ShouldBe(Money.Zero);
        // The reconsideration it was under stays pending: the bureau's act is not its outcome.
        state.ReviewPending.ShouldBeTrue();
        CaseContribution.Of(state)!.DateFor(Caliber.Decided).ShouldBeNull();
    }

    [Fact]
    public void GivenADecision_WhenTheBureauLowersTheFine_ThenTheNewItemsStand() =>
        Given(ClosedAndChallenged()).When(new ChangeOwnDecision(D(2025, 6, 1), ReviewOutcome.Varied, "罚款计算有误", Head, [Fine(1_000), StopOrder]))
            .ThenAccepted().Decision!.Items.Fines().ShouldBe(Yuan(1_000));

    [Fact]
    public void GivenADecision_WhenTheBureauWouldMakeItHeavier_ThenRefused() =>
        Given(ClosedAndChallenged()).When(new ChangeOwnDecision(D(2025, 6, 1), ReviewOutcome.Varied, "x", Head, [Fine(999_999)]))
            .ThenFails("varied_items", "heavier");

    [Fact]
    public void GivenADecision_WhenAHandlerApprovesTheBureausOwnChange_ThenRefused() =>
        Given(ClosedAndChallenged()).When(new ChangeOwnDecision(D(2025, 6, 1), ReviewOutcome.Revoked, "x", Zhang.CertificateNumber, []))
            .ThenFails("approved_by", "not by a handler");

    [Fact]
    public void GivenADecision_WhenTheBureauWouldUpholdIt_ThenRefusedBecauseThatChangesNothing() =>
        Given(ClosedAndChallenged()).When(new ChangeOwnDecision(D(2025, 6, 1), ReviewOutcome.Upheld, "x", Head, []))
            .ThenFails("change", "varies its decision, revokes it");

    [Fact]
    public void GivenADecisionRevokedAndDecidedAgainUnderOtherBases_WhenTheCaseIsRead_ThenItsBasesAreTheFilingsAndTheNewDecisionsOnly()
    {
        var revoked = new CaseEvent.ReviewConcluded(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.RevokedWithOrderToDecideAgain, "运政复决字〔2025〕9号", []);
        CaseModel.Replay([.. ClosedAndChallenged(), revoked]).LegalBases.ShouldBe(["商标法第五十七条第三项"]);
        var state = Given([.. ClosedAndChallenged(), revoked,
                new CaseEvent.LegalReviewCompleted(D(2025, 7, 20), Reviewer, true, "同意"),
                new CaseEvent.AdvanceNoticeServed(D(2025, 7, 21), [Fine(10_000)], ["行政处罚法第三十二条第一项"], D(2025, 7, 28), true, D(2025, 7, 28))])
            .When(new DecidePenalty(D(2025, 8, 1), "稷市监处罚〔2025〕30号", [Fine(10_000)], ["行政处罚法第三十二条第一项"], Head)).ThenAccepted();
        // The revoked decision's 商标法第六十条第二款 is no longer among them.
        state.LegalBases.ShouldBe(["商标法第五十七条第三项", "行政处罚法第三十二条第一项"]);
    }
}
