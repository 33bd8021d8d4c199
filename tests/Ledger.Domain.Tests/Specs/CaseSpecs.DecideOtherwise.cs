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
        // What a clerk reads back: the agency that received it.
        state.Decision.TransferAgency.ShouldBe("稷山县公安局");
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

    // ----- the police send a transferred case back (《行政执法机关移送涉嫌犯罪案件的规定》) -----

    private static CaseEvent.CaseTransferred ToPolice => new(D(2025, 3, 20), TransferTarget.Police, null, "稷山县公安局", "涉嫌犯罪", Head);

    private static RecordPoliceReturn PoliceReturn(LocalDate on) =>
        new(on, PoliceReturnGround.NotOpened, "稷山县公安局", "稷公（经）不立字〔2025〕7号");

    [Fact]
    public void GivenACaseTransferredToThePolice_WhenThePoliceSendItBack_ThenItIsTheBureausToDecideAgain()
    {
        var state = Given([.. FiledCase(), ToPolice]).When(PoliceReturn(D(2025, 4, 10)))
            .Then(new CaseEvent.PoliceReturnedCase(D(2025, 4, 10), PoliceReturnGround.NotOpened, "稷山县公安局", "稷公（经）不立字〔2025〕7号"));
        state.Status.ShouldBe(CaseStatus.Investigating);
        state.Decision.ShouldBeNull();
        state.EarlierDecisions.ShouldHaveSingleItem().TransferTarget.ShouldBe(TransferTarget.Police);
    }

    [Fact]
    public void GivenATransferredCaseClosedAndSentBack_WhenAPenaltyIsDecided_ThenDecidedAndCountedAsAPenaltyNotATransfer()
    {
        var state = Given([.. FiledCase(), ToPolice, new CaseEvent.CaseClosed(D(2025, 3, 25), ClosingGround.Transferred, "已移送公安机关，结案"),
                new CaseEvent.PoliceReturnedCase(D(2025, 4, 1), PoliceReturnGround.CaseClosed, "稷山县公安局", "稷公撤字〔2025〕2号"),
                Reviewed() with { On = D(2025, 4, 2) }, Notice(Fine(5_000)) with { On = D(2025, 4, 3), StatementDueOn = D(2025, 4, 11) }])
            .When(Decision(Fine(5_000)) with { On = D(2025, 4, 15) }).ThenAccepted();
        state.Status.ShouldBe(CaseStatus.Decided);
        var counted = CaseContribution.Of(state)!;
        counted.TransferredToPolice.ShouldBeFalse();
        counted.Fines.ShouldBe(Yuan(5_000));
    }

    [Fact]
    public void GivenACaseNotTransferredToThePolice_WhenAReturnIsRecorded_ThenRefused() =>
        Given([.. FiledCase(), new CaseEvent.CaseTransferred(D(2025, 3, 20), TransferTarget.OtherRegionBureau, Linfen, null, "管辖", Head)])
            .When(PoliceReturn(D(2025, 4, 10))).ThenFails("case", "only a case transferred to the police");

    [Fact]
    public void GivenACaseTransferredToThePolice_WhenTheReturnIsDatedBeforeTheTransfer_ThenRefused() =>
        Given([.. FiledCase(), ToPolice]).When(PoliceReturn(D(2025, 3, 19))).ThenFails("on", "cannot precede the decision of 2025-03-20");
}
