namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    [Fact]
    public void GivenFiledCase_WhenSuspended_ThenNoDecisionUntilResumed()
    {
        Given(FiledCase()).When(new SuspendCase(D(2025, 3, 1), "商标权属争议"))
            .Then(new CaseEvent.CaseSuspended(D(2025, 3, 1), "商标权属争议")).Status.ShouldBe(CaseStatus.Suspended);
        Given(new CaseEvent.CaseSuspended(D(2025, 3, 1), "商标权属争议"))
            .When(new DecideNoPenalty(D(2025, 3, 5), null, NoPenaltyGround.FactsNotEstablished, [], ["行政处罚法第四十条"], Head))
            .ThenFails("case", "suspended", "resume");
    }

    [Fact]
    public void GivenSuspendedCase_WhenResumed_ThenInvestigatingAgain() =>
        Given([.. FiledCase(), new CaseEvent.CaseSuspended(D(2025, 3, 1), "商标权属争议")])
            .When(new ResumeCase(D(2025, 3, 21), "争议已消除"))
            .Then(new CaseEvent.CaseResumed(D(2025, 3, 21), "争议已消除")).Status.ShouldBe(CaseStatus.Investigating);

    [Fact]
    public void GivenInvestigatingCase_WhenResumed_ThenRefusedBecauseItIsNotSuspended() =>
        Given(FiledCase()).When(new ResumeCase(D(2025, 3, 21), "x")).ThenFails("case", "resume_case", "suspended");

    [Fact]
    public void GivenGoodsSealed_WhenReleasedTwice_ThenTheSecondReleaseIsRefused()
    {
        var sealedGoods = new CaseEvent.GoodsHeld(D(2025, 2, 26), "BC-01", GoodsMeasure.Sealed, "运动鞋32双", Yuan(6_400));
        Given([.. FiledCase(), sealedGoods]).When(new ReleaseGoods(D(2025, 3, 20), "BC-01", "解除查封"))
            .Then(new CaseEvent.GoodsReleased(D(2025, 3, 20), "BC-01", "解除查封"));
        Given(new CaseEvent.GoodsReleased(D(2025, 3, 20), "BC-01", "解除查封"))
            .When(new ReleaseGoods(D(2025, 3, 21), "BC-01", "again")).ThenFails("measure_id", "already released on 2025-03-20");
    }

    [Fact]
    public void GivenGoodsSealedForMoreThanThirtyDays_WhenNotReleased_ThenTheHoldIsOverdue()
    {
        var state = CaseModel.Replay([.. FiledCase(), new CaseEvent.GoodsHeld(D(2025, 2, 26), "BC-01", GoodsMeasure.Sealed, "运动鞋32双", null)]);
        var hold = CaseDeadlines.Compute(state, Calendar, D(2025, 3, 31)).Deadlines.Single(d => d.Name == "goods:BC-01");
        hold.DueOn.ShouldBe(D(2025, 3, 28));
        hold.Status.ShouldBe(DeadlineStatus.Overdue);
    }

    [Fact]
    public void GivenFiledCase_WhenAnAmountIsAssessedWithoutItsMethod_ThenRefusedNamingTheField() =>
        Given(FiledCase()).When(new AssessAmounts(D(2025, 3, 10), new Assessment(Yuan(12_000), " "), null, null)).ThenFails("turnover.method", "blank");

    [Fact]
    public void GivenFiledCase_WhenNoAmountIsAssessed_ThenRefused() =>
        Given(FiledCase()).When(new AssessAmounts(D(2025, 3, 10), null, null, null)).ThenFails("turnover", "at least one");

    [Fact]
    public void GivenPatentCounterfeitingCase_WhenInnocentSellerEstablished_ThenRefusedBecauseTheRuleIsTrademarkLaw() =>
        Given(FiledCase(kind: CaseKind.PatentCounterfeiting)).When(new EstablishInnocentSeller(D(2025, 3, 12), "某批发部", Linfen, "发票"))
            .ThenFails("kind", "商标法第六十条第二款");

    [Fact]
    public void GivenFiledCase_WhenJointHandlingAgreedWithAnotherRegion_ThenRecorded() =>
        Given(FiledCase()).When(new AgreeJointHandling(D(2025, 3, 5), Yuncheng, "与运城市局联合办案"))
            .Then(new CaseEvent.JointHandlingAgreed(D(2025, 3, 5), Yuncheng, "与运城市局联合办案")).JointRegions.ShouldBe([Yuncheng]);
}
