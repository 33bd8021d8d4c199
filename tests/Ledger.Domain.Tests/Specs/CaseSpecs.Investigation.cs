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

    // ----- holds on goods end as the law says (行政强制法第二十五条、第二十八条; 行政处罚法第五十六条) -----

    private static CaseEvent.GoodsHeld Sealed(string id = "BC-01") => new(D(2025, 2, 26), id, GoodsMeasure.Sealed, "运动鞋32双", Yuan(6_400));

    [Fact]
    public void GivenGoodsSealed_WhenTheHeadExtendsTheSealing_ThenItLastsSixtyDays()
    {
        var state = Given([.. FiledCase(), Sealed()]).When(new ExtendGoodsHold(D(2025, 3, 20), "BC-01", Head, "案情复杂"))
            .Then(new CaseEvent.GoodsHoldExtended(D(2025, 3, 20), "BC-01", Head, "案情复杂"));
        // 2025-02-26 + 60 days = Sun 04-27, which was a working day (劳动节 make-up day).
        CaseDeadlines.Compute(state, Calendar, D(2025, 4, 1)).Deadlines.Single(d => d.Name == "goods:BC-01").DueOn
            .ShouldBe(D(2025, 4, 27));
    }

    [Fact]
    public void GivenASealingExtendedOnce_WhenExtendedAgain_ThenRefused() =>
        Given([.. FiledCase(), Sealed(), new CaseEvent.GoodsHoldExtended(D(2025, 3, 20), "BC-01", Head, "案情复杂")])
            .When(new ExtendGoodsHold(D(2025, 4, 20), "BC-01", Head, "仍需调查")).ThenFails("measure_id", "extended once", "第二十五条");

    [Fact]
    public void GivenGoodsRegisteredForPreservation_WhenExtended_ThenRefusedBecauseTheyAreDealtWithInSevenWorkingDays() =>
        Given([.. FiledCase(), new CaseEvent.GoodsHeld(D(2025, 2, 26), "P-1", GoodsMeasure.RegisteredForPreservation, "运动鞋", null)])
            .When(new ExtendGoodsHold(D(2025, 2, 28), "P-1", Head, "x")).ThenFails("measure_id", "第五十六条");

    [Fact]
    public void GivenGoodsSealedAndTestedForTenDays_WhenTheHoldDeadlineIsComputed_ThenTheTestingIsLeftOut()
    {
        var state = CaseModel.Replay([.. FiledCase(), Sealed(), new CaseEvent.ExcludedPeriodStarted(D(2025, 3, 1), ExcludedPeriodKind.Testing, "送检"),
            new CaseEvent.ExcludedPeriodEnded(D(2025, 3, 11), ExcludedPeriodKind.Testing)]);
        CaseDeadlines.Compute(state, Calendar, D(2025, 3, 31)).Deadlines.Single(d => d.Name == "goods:BC-01").DueOn.ShouldBe(D(2025, 4, 7)); // 03-28 + 10
    }

    [Fact]
    public void GivenAPenaltyConfiscatingTheGoods_WhenTheHoldEndsByConfiscation_ThenTheHoldIsMetAndTheCaseMayClose()
    {
        var decided = new CaseEvent.PenaltyDecided(D(2025, 3, 20), "稷市监处罚〔2025〕12号", [Fine(5_000), ConfiscateGoods("运动鞋32双")], TrademarkBases, null, Head);
        var state = Given([.. FiledCase(), Sealed(), decided]).When(new EndGoodsHold(D(2025, 3, 21), "BC-01", GoodsHoldEnding.Confiscated, "依处罚决定没收"))
            .Then(new CaseEvent.GoodsHoldEnded(D(2025, 3, 21), "BC-01", GoodsHoldEnding.Confiscated, "依处罚决定没收"));
        CaseDeadlines.Compute(state, Calendar, D(2025, 12, 1)).Deadlines.Single(d => d.Name == "goods:BC-01").Status.ShouldBe(DeadlineStatus.Met);
        Given([.. FiledCase(), Sealed(), decided, new CaseEvent.GoodsHoldEnded(D(2025, 3, 21), "BC-01", GoodsHoldEnding.Confiscated, "没收"), Served(D(2025, 3, 21)),
                new CaseEvent.PaymentReceived(D(2025, 3, 24), Yuan(5_000), "缴款书")])
            .When(new CloseCase(D(2025, 3, 25), ClosingGround.Executed, "结案")).ThenAccepted().Status.ShouldBe(CaseStatus.Closed);
    }

    [Fact]
    public void GivenNoDecisionConfiscatingGoods_WhenTheHoldEndsByConfiscation_ThenRefused() =>
        Given([.. FiledCase(), Sealed()]).When(new EndGoodsHold(D(2025, 3, 21), "BC-01", GoodsHoldEnding.Confiscated, "没收"))
            .ThenFails("ending", "confiscates them");

    [Fact]
    public void GivenATransferredCase_WhenTheGoodsGoWithIt_ThenTheHoldEnds() =>
        Given([.. FiledCase(), Sealed(), new CaseEvent.CaseTransferred(D(2025, 3, 20), TransferTarget.Police, null, "稷山县公安局", "涉嫌犯罪", Head)])
            .When(new EndGoodsHold(D(2025, 3, 20), "BC-01", GoodsHoldEnding.TransferredWithCase, "随案移送公安机关"))
            .ThenAccepted().Goods.Single().Ending.ShouldBe(GoodsHoldEnding.TransferredWithCase);

    [Fact]
    public void GivenGoodsStillSealed_WhenTheCaseIsClosed_ThenRefusedNamingTheMeasure() =>
        Given([.. FiledCase(), Sealed(), new CaseEvent.CaseTransferred(D(2025, 3, 20), TransferTarget.Police, null, "稷山县公安局", "涉嫌犯罪", Head)])
            .When(new CloseCase(D(2025, 3, 25), ClosingGround.Transferred, "已移送")).ThenFails("case", "still held under measure 'BC-01'", "end_goods_hold");

    [Fact]
    public void GivenAHoldEnded_WhenItIsReleased_ThenRefused() =>
        Given([.. FiledCase(), Sealed(), new CaseEvent.CaseTransferred(D(2025, 3, 20), TransferTarget.Police, null, "稷山县公安局", "涉嫌犯罪", Head),
                new CaseEvent.GoodsHoldEnded(D(2025, 3, 20), "BC-01", GoodsHoldEnding.TransferredWithCase, "随案移送")])
            .When(new ReleaseGoods(D(2025, 3, 21), "BC-01", "解除")).ThenFails("measure_id", "already ended on 2025-03-20");
}
