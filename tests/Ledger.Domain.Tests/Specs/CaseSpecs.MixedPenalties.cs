namespace Ledger.Domain.Tests.Specs;

// One decision may impose items under several laws (a trademark fine under 商标法第六十条第二款 and a labelling fine
// under 产品质量法第五十四条): each item names its provision and is capped by it; the case's 罚没金额 counts them all.
public sealed partial class CaseSpecs
{
    private static PenaltyItem LabellingFine(decimal yuan) => Fine(yuan) with { Provision = "product-labelling" };

    // Turnover 60,000 (trademark cap 5 × = 300,000); goods value 20,000 (labelling cap 30 % = 6,000).
    private CaseSpecification GivenMixedCaseNotified(params PenaltyItem[] proposal) =>
        Given(Lead(), Filed(), Officers(), Assessed(turnover: 60_000, goodsValue: 20_000), Reviewed(), Notice(proposal));

    [Fact]
    public void GivenTrademarkAndLabellingFinesProposed_WhenTheTrademarkFineIsAtItsCapAndTheLabellingFineWithinItsOwn_ThenDecidedEachUnderItsProvision()
    {
        var state = GivenMixedCaseNotified(Fine(300_000), LabellingFine(6_000), StopOrder)
            .When(Decision(Fine(300_000), LabellingFine(6_000), StopOrder))
            .Then(new CaseEvent.PenaltyDecided(D(2025, 4, 15), "稷市监处罚〔2025〕12号",
                [Fine(300_000) with { Provision = "trademark-infringement" }, LabellingFine(6_000), StopOrder], TrademarkBases,
                "商标法第六十条第二款（违法经营额五万元以上的，可以处违法经营额五倍以下的罚款）: 违法经营额 60000.00 元 → 上限 5 × 60000.00 = 300000.00 元; " +
                "产品质量法第五十四条（并处违法生产、销售产品货值金额百分之三十以下的罚款）: 货值金额 20000.00 元 → 上限 0.3 × 20000.00 = 6000.00 元", Head));
        // 罚没金额 is the whole of what the decision imposes; the split by provision adds up to it exactly.
        state.AmountImposed.ShouldBe(Yuan(306_000));
        var contribution = CaseContribution.Of(state)!;
        contribution.Fines.ShouldBe(Yuan(306_000));
        contribution.ByProvision.ShouldBe([
            new ProvisionAmounts("trademark-infringement", Yuan(300_000), Money.Zero),
            new ProvisionAmounts("product-labelling", Yuan(6_000), Money.Zero)]);
    }

    [Fact]
    public void GivenMixedProposal_WhenTheLabellingFineExceedsItsOwnCapByOneFen_ThenRefusedNamingThatItemAndItsLaw() =>
        GivenMixedCaseNotified(Fine(300_000), LabellingFine(7_000))
            .When(Decision(Fine(10_000), LabellingFine(6_000.01m)))
            .ThenFails("items[1].amount", "exceeds the cap of 6000.00", "产品质量法第五十四条", "货值金额 20000.00 元");

    [Fact]
    public void GivenMixedProposal_WhenTheTrademarkFineExceedsItsCap_ThenRefusedUnderTheTrademarkLawNotTheSum() =>
        GivenMixedCaseNotified(Fine(310_000), LabellingFine(6_000))
            .When(Decision(Fine(300_000.01m), LabellingFine(1_000)))
            .ThenFails("items[0].amount", "exceeds the cap of 300000.00", "商标法第六十条第二款");

    [Fact]
    public void GivenNoGoodsValueAssessed_WhenFinedUnderTheLabellingProvision_ThenRefusedBecauseItsCapIsAShareOfTheGoodsValue() =>
        Given([.. FiledCase(60_000), Reviewed(), Notice(Fine(300_000), LabellingFine(6_000))])
            .When(Decision(Fine(100_000), LabellingFine(1_000)))
            .ThenFails("items[1].amount", "exceeds the cap of 0.00", "货值金额未查明");

    [Fact]
    public void GivenAnyCase_WhenTwoFinesNameNoProvision_ThenRefusedBecauseOneLawsFineIsOneAmount() =>
        GivenNotified(60_000, Fine(300_000)).When(Decision(Fine(100_000), Fine(5_000)))
            .ThenFails("items[1].provision", "one item", "product-labelling");

    [Fact]
    public void GivenAnyCase_WhenTwoFinesNameTheSameProvision_ThenRefused() =>
        GivenMixedCaseNotified(Fine(300_000), LabellingFine(6_000)).When(Decision(LabellingFine(1_000), LabellingFine(2_000)))
            .ThenFails("items[1].provision", "product-labelling as one item");

    [Fact]
    public void GivenATrademarkCase_WhenAFineNamesAProvisionOfAnotherIpKind_ThenRefusedListingTheProvisionsItMayCite() =>
        GivenNotified(60_000, Fine(300_000)).When(Decision(Fine(100_000) with { Provision = "patent-counterfeiting" }))
            .ThenFails("items[0].provision", "'patent-counterfeiting' is not a fine provision for trademark_infringement cases",
                "trademark-infringement (商标法实施条例(2002)第五十二条、商标法第六十条第二款)", "product-labelling (产品质量法第五十四条)");

    [Fact]
    public void GivenAnyCase_WhenAnOrderNamesAProvision_ThenRefusedBecauseOnlyMoneyItemsAreCapped() =>
        GivenNotified(60_000, Fine(300_000), StopOrder).When(Decision(Fine(100_000), StopOrder with { Provision = "trademark-infringement" }))
            .ThenFails("items[1].provision", "order_to_stop carries none");

    [Fact]
    public void GivenAnAdvanceNotice_WhenItProposesTwoFinesUnderOneLaw_ThenRefusedAsTheDecisionWouldBe() =>
        Given([.. FiledCase(60_000), Reviewed()]).When(new ServeAdvanceNotice(D(2025, 3, 25), [Fine(1_000), Fine(2_000)], TrademarkBases))
            .ThenFails("proposed_items[1].provision", "one item");

    [Fact]
    public void GivenAMixedDecision_WhenAReviewVariesOnlyTheLabellingFine_ThenTheContributionFollowsTheVariedItemsTheUnnamedOneUnderTheKindsOwn()
    {
        var decided = Penalty(Fine(300_000) with { Provision = "trademark-infringement" }, LabellingFine(6_000));
        var state = Given(Lead(), Filed(), Officers(), Assessed(turnover: 60_000, goodsValue: 20_000), Reviewed(),
                Notice(Fine(300_000), LabellingFine(6_000)), decided, Served(),
                new CaseEvent.ReviewApplied(D(2025, 5, 1), ReviewKind.Reconsideration, "运城市市场监督管理局"))
            .When(new ConcludeReview(D(2025, 6, 1), ReviewKind.Reconsideration, ReviewOutcome.Varied, "运市监复决〔2025〕3号",
                [Fine(300_000), LabellingFine(2_000)]))
            .ThenAccepted();
        CaseContribution.Of(state)!.ByProvision.ShouldBe([
            new ProvisionAmounts("trademark-infringement", Yuan(300_000), Money.Zero),
            new ProvisionAmounts("product-labelling", Yuan(2_000), Money.Zero)]);
    }

    [Fact]
    public void GivenADecisionRecordedBeforeItemsNamedTheirProvision_WhenCounted_ThenItsMoneyCountsUnderTheKindsOwnProvision() =>
        CaseContribution.Of(CaseModel.Replay([.. DecidedAndServed(20_000)]))!.ByProvision
            .ShouldBe([new ProvisionAmounts("trademark-infringement", Yuan(20_000), Money.Zero)]);
}
