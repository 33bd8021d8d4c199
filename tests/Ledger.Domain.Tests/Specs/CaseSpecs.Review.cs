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
    }

    [Fact]
    public void GivenDecisionRevokedOutright_WhenRevenueIsCounted_ThenNothingIsImposed() =>
        CaseModel.Replay([.. ClosedAndChallenged(),
            new CaseEvent.ReviewConcluded(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.Revoked, "运政复决字〔2025〕9号", [])])
            .AmountImposed.ShouldBe(Money.Zero);
}
