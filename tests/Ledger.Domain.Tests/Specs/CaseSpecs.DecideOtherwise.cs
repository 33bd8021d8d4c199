namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    private static readonly CaseEvent.InnocentSellerEstablished InnocentSeller =
        new(D(2025, 3, 12), "临汾某鞋业批发部", Linfen, "提供进货发票及供货商信息");

    [Fact]
    public void GivenInnocentSeller_WhenNoPenaltyDecidedWithAStopOrder_ThenDecidedAndTheSupplierLeadCanGoToTheSuppliersRegion()
    {
        var noPenalty = new DecideNoPenalty(D(2025, 4, 15), "稷市监不罚〔2025〕3号", NoPenaltyGround.InnocentSeller, [StopOrder], ["商标法第六十条第二款"], Head);
        var state = Given([.. FiledCase(), InnocentSeller]).When(noPenalty)
            .Then(new CaseEvent.NoPenaltyDecided(D(2025, 4, 15), "稷市监不罚〔2025〕3号", NoPenaltyGround.InnocentSeller, [StopOrder], ["商标法第六十条第二款"], Head));
        state.Decision!.Kind.ShouldBe(DecisionKind.NoPenalty);
        state.AmountImposed.ShouldBe(Money.Zero);
    }

    [Fact]
    public void GivenInnocentSeller_WhenNoPenaltyDecidedWithoutAStopOrder_ThenRefused() =>
        Given([.. FiledCase(), InnocentSeller])
            .When(new DecideNoPenalty(D(2025, 4, 15), null, NoPenaltyGround.InnocentSeller, [], ["商标法第六十条第二款"], Head))
            .ThenFails("orders", "stop selling");

    [Fact]
    public void GivenNoInnocentSellerFinding_WhenNoPenaltyOnThatGround_ThenRefused() =>
        Given(FiledCase()).When(new DecideNoPenalty(D(2025, 4, 15), null, NoPenaltyGround.InnocentSeller, [StopOrder], ["商标法第六十条第二款"], Head))
            .ThenFails("ground", "establish_innocent_seller");

    [Fact]
    public void GivenFiledCase_WhenANoPenaltyDecisionCarriesAFine_ThenRefused() =>
        Given(FiledCase()).When(new DecideNoPenalty(D(2025, 4, 15), null, NoPenaltyGround.FirstViolationMinor, [Fine(100)], ["行政处罚法第三十三条"], Head))
            .ThenFails("orders[0]", "is a penalty");

    [Fact]
    public void GivenFiledCase_WhenTransferredToThePolice_ThenTransferred()
    {
        var state = Given(FiledCase())
            .When(new TransferCase(D(2025, 3, 20), TransferTarget.Police, null, "稷山县公安局", "涉嫌犯罪", Head)).ThenAccepted();
        state.Decision!.TransferTarget.ShouldBe(TransferTarget.Police);
    }

    [Fact]
    public void GivenFiledCase_WhenTransferredToAnotherRegionWithoutItsCode_ThenRefused() =>
        Given(FiledCase()).When(new TransferCase(D(2025, 3, 20), TransferTarget.OtherRegionBureau, null, null, "管辖", Head))
            .ThenFails("target_region", "required");

    [Fact]
    public void GivenFiledCase_WhenFilingWithdrawn_ThenItCanBeClosedAsWithdrawn()
    {
        Given(FiledCase()).When(new WithdrawFiling(D(2025, 3, 20), "不构成违法", Head)).ThenAccepted().Decision!.Kind.ShouldBe(DecisionKind.FilingWithdrawn);
        Given(new CaseEvent.FilingWithdrawn(D(2025, 3, 20), "不构成违法", Head))
            .When(new CloseCase(D(2025, 3, 21), ClosingGround.FilingWithdrawn, "撤销立案，结案")).ThenAccepted().Status.ShouldBe(CaseStatus.Closed);
    }
}
