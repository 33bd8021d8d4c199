using NodaTime.Testing;
namespace Ledger.Domain.Tests.Specs;

/// <summary>Whole cases driven command by command through Decide and Evolve, as the application layer will.</summary>
public sealed class LifecycleTests
{
    private static CaseState Run(FakeClock clock, IEnumerable<CaseCommand> commands)
    {
        var state = CaseState.Initial;
        foreach (var command in commands)
        {
            clock.SetChinaDate(command.On);
            foreach (var e in CaseModel.Decide(command, state, DecisionContext.At(clock.GetCurrentInstant())))
                state = CaseModel.Evolve(state, e);
        }
        return state;
    }

    [Fact]
    public void ThePenaltyCaseRunsFromLeadToClosingThroughReconsideration()
    {
        var state = Run(ChinaTime.Clock(2025, 1, 1),
        [
            new RegisterLead(D(2025, 2, 19), LeadSource.Complaint, "投诉某鞋铺销售假冒\"N\"运动鞋", Jishan, CaseKind.TrademarkInfringement, ShopOwner, MarkN, D(2025, 2, 10), [], ["铁拳2025"]),
            new FileCase(D(2025, 2, 25), Head, ["商标法第五十七条第三项"]),
            new AssignOfficers(D(2025, 2, 25), [Zhang, Li]),
            new RecordEvidence(D(2025, 2, 26), "现场检查笔录"),
            new HoldGoods(D(2025, 2, 26), "BC-01", GoodsMeasure.Sealed, "运动鞋32双", Yuan(6_400)),
            new AssessAmounts(D(2025, 3, 10), new Assessment(Yuan(60_000), "销售记录"), null, new Assessment(Yuan(8_000), "扣除成本")),
            new CompleteLegalReview(D(2025, 3, 20), Reviewer, true, "同意"),
            new ServeAdvanceNotice(D(2025, 3, 25), [Fine(100_000), ConfiscateGains(8_000), ConfiscateGoods("运动鞋32双"), StopOrder], TrademarkBases),
            new RequestHearing(D(2025, 3, 27)),
            new HoldHearing(D(2025, 4, 8), HearingOfficer, "当事人对事实无异议"),
            new DecidePenalty(D(2025, 4, 15), "稷市监处罚〔2025〕12号", [Fine(100_000), ConfiscateGains(8_000), ConfiscateGoods("运动鞋32双"), StopOrder], TrademarkBases, Head),
            new EndGoodsHold(D(2025, 4, 15), "BC-01", GoodsHoldEnding.Confiscated, "依处罚决定没收"),
            new ServeDecision(D(2025, 4, 16), "直接送达"),
            new ApplyForReview(D(2025, 4, 30), ReviewKind.Reconsideration, "运城市人民政府"),
            new ConcludeReview(D(2025, 6, 20), ReviewKind.Reconsideration, ReviewOutcome.Varied, "运政复决字〔2025〕8号", [Fine(80_000), ConfiscateGains(8_000), ConfiscateGoods("运动鞋32双"), StopOrder]),
            new RecordPayment(D(2025, 6, 25), Yuan(88_000), "缴款书 1400000002"),
            new CloseCase(D(2025, 6, 30), ClosingGround.Executed, "罚没款缴清"),
        ]);
        state.Status.ShouldBe(CaseStatus.Closed);
        state.Version.ShouldBe(17);
        state.AmountImposed.ShouldBe(Yuan(88_000));
        state.CaseValue.ShouldBe(Yuan(60_000));
        state.Decision!.Items.Fines().ShouldBe(Yuan(80_000));
    }

    [Fact]
    public void TheShoeShopCaseEndsWithAStopOrderAndTheSupplierLeadSentToLinfen()
    {
        var state = Run(ChinaTime.Clock(2025, 1, 1),
        [
            new RegisterLead(D(2025, 2, 19), LeadSource.Complaint, "投诉某鞋铺销售假冒\"N\"运动鞋", Jishan, CaseKind.TrademarkInfringement, ShopOwner, MarkN, D(2025, 2, 10), [], []),
            new FileCase(D(2025, 2, 21), Head, ["商标法第五十七条第三项"]),
            new AssignOfficers(D(2025, 2, 21), [Zhang, Li]),
            new EstablishInnocentSeller(D(2025, 3, 5), "临汾某鞋业批发部", Linfen, "进货发票、供货商信息"),
            new ReferRelatedLead(D(2025, 3, 6), Linfen, "供货商线索移送临汾市市场监督管理局"),
            new DecideNoPenalty(D(2025, 3, 20), "稷市监不罚〔2025〕3号", NoPenaltyGround.InnocentSeller, [StopOrder], ["商标法第六十条第二款"], Head),
            new ServeDecision(D(2025, 3, 21), "直接送达"),
            new CloseCase(D(2025, 3, 25), ClosingGround.NoPenalty, "责令停止销售，结案"),
        ]);
        state.Status.ShouldBe(CaseStatus.Closed);
        state.ReferredLeads.ShouldBe([Linfen]);
        state.AmountImposed.ShouldBe(Money.Zero);
    }

    [Fact]
    public void ThePatentDisputeRunsFromRequestToAdjudication()
    {
        var state = Run(ChinaTime.Clock(2024, 1, 1),
        [
            new RequestDispute(D(2024, 5, 6), Wenxi, Company, ShopOwner, VasePatent, "玻璃花瓶外观设计专利侵权纠纷", [], []),
            new AcceptDispute(D(2024, 5, 9), Head, [Zhang, Li]),
            new RecordDisputeAnswer(D(2024, 5, 22), "否认侵权"),
            new HoldOralHearing(D(2024, 6, 12), "比对"),
            new AdjudicateDispute(D(2024, 7, 1), "运市监专裁〔2024〕1号", AdjudicationFinding.Infringes, Head),
            new CloseCase(D(2024, 7, 8), ClosingGround.DisputeConcluded, "裁决结案"),
        ]);
        state.Status.ShouldBe(CaseStatus.Closed);
        state.Kind.ShouldBe(CaseKind.PatentInfringementDispute);
        state.Decision!.Items.ShouldContain(i => i.Kind == PenaltyItemKind.OrderToStop);
    }
}
