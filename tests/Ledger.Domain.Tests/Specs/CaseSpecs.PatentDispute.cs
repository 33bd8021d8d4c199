namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    private static readonly CaseEvent.DisputeRequested VaseRequest = new(D(2024, 5, 6), Wenxi, Company, ShopOwner, VasePatent, "请求处理玻璃花瓶外观设计专利侵权纠纷", [], []);
    private static readonly CaseEvent.DisputeAccepted VaseAccepted = new(D(2024, 5, 9), Head, [Zhang, Li]);

    [Fact]
    public void GivenNothing_WhenDisputeRequestedOverATrademark_ThenRefused() =>
        Given().When(new RequestDispute(D(2024, 5, 6), Wenxi, Company, ShopOwner, MarkN, "x", [], [])).ThenFails("patent.kind", "patent");

    [Fact]
    public void GivenAcceptedDispute_WhenValiditySuspendsIt_ThenTheThreeMonthsMoveByTheSuspension()
    {
        var state = CaseModel.Replay([VaseRequest, VaseAccepted,
            new CaseEvent.CaseSuspended(D(2024, 5, 20), "被请求人请求宣告专利权无效"), new CaseEvent.CaseResumed(D(2024, 6, 19), "维持专利权有效")]);
        // 2024-05-09 + 3 months = 2024-08-09, + 30 days suspended = Sun 2024-09-08 → Mon 09-09.
        DecisionDeadline(state, D(2024, 6, 20)).DueOn.ShouldBe(D(2024, 9, 9));
    }

    [Fact]
    public void GivenMediatedDispute_WhenConfirmedByACourtAndClosed_ThenConcluded()
    {
        var mediated = new CaseEvent.MediationAgreed(D(2024, 6, 20), Yuan(30_000), "停止销售并赔偿");
        Given(VaseRequest, VaseAccepted, mediated).When(new RecordJudicialConfirmation(D(2024, 7, 5), "闻喜县人民法院", "(2024)晋0823民特12号"))
            .Then(new CaseEvent.JudicialConfirmationObtained(D(2024, 7, 5), "闻喜县人民法院", "(2024)晋0823民特12号"));
        var closed = Given(new CaseEvent.JudicialConfirmationObtained(D(2024, 7, 5), "闻喜县人民法院", "(2024)晋0823民特12号"))
            .When(new CloseCase(D(2024, 7, 8), ClosingGround.DisputeConcluded, "调解结案")).ThenAccepted();
        closed.Status.ShouldBe(CaseStatus.Closed);
        closed.AmountImposed.ShouldBe(Money.Zero);
        closed.MediatedDamages.ShouldBe(Yuan(30_000));
    }

    [Fact]
    public void GivenAdjudicatedDispute_WhenClosedAsExecuted_ThenRefusedBecauseADisputeIsConcludedNotExecuted() =>
        Given(VaseRequest, VaseAccepted, new CaseEvent.DisputeAdjudicated(D(2024, 7, 1), "运市监专裁〔2024〕1号", AdjudicationFinding.Infringes, Head))
            .When(new CloseCase(D(2024, 7, 8), ClosingGround.Executed, "结案")).ThenFails("ground", "only a penalty decision");

    [Fact]
    public void GivenAcceptedDispute_WhenAHandlerApprovesTheAdjudication_ThenRefused() =>
        Given(VaseRequest, VaseAccepted).When(new AdjudicateDispute(D(2024, 7, 1), "运市监专裁〔2024〕1号", AdjudicationFinding.Infringes, Li.CertificateNumber))
            .ThenFails("approved_by", "handler");

    [Fact]
    public void GivenADisputeRequest_WhenTransferredToTheCompetentBureau_ThenItLeavesAndIsNeverCounted()
    {
        var yongchuan = RegionCode.Parse("500118");
        var transferred = Given(VaseRequest).When(new TransferLead(D(2024, 5, 8), yongchuan, "侵权行为地在重庆市永川区，移送有管辖权的部门"))
            .Then(new CaseEvent.LeadTransferred(D(2024, 5, 8), yongchuan, "侵权行为地在重庆市永川区，移送有管辖权的部门"));
        transferred.Status.ShouldBe(CaseStatus.LeadTransferred);
        CaseContribution.Of(transferred).ShouldBeNull();
    }

    [Fact]
    public void GivenAnAcceptedDispute_WhenTransferredAsALead_ThenRefusedBecauseItIsNoLongerALead() =>
        Given(VaseRequest, VaseAccepted).When(new TransferLead(D(2024, 5, 20), RegionCode.Parse("500118"), "x")).ThenFails("case", "transfer_lead is not possible");
}
