namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    private static RegisterLead RegisterShoeShopLead() => new(D(2025, 2, 19), LeadSource.Complaint, "投诉某鞋铺销售假冒\"N\"注册商标的运动鞋",
        Jishan, CaseKind.TrademarkInfringement, ShopOwner, MarkN, D(2025, 2, 10), [CaseFlags.PhysicalMarket], ["铁拳2025"]);

    [Fact]
    public void GivenNothing_WhenLeadRegistered_ThenTheLeadCarriesRegionKindPartyRightFlagsAndCampaigns()
    {
        var state = Given().When(RegisterShoeShopLead()).Then(Lead());
        state.Status.ShouldBe(CaseStatus.Lead);
        state.Region.ShouldBe(Jishan);
        state.Campaigns.ShouldBe(["铁拳2025"]);
    }

    [Fact]
    public void GivenNothing_WhenLeadNamesAPatentDispute_ThenRefusedBecauseDisputesStartWithARequest() =>
        Given().When(RegisterShoeShopLead() with { Kind = CaseKind.PatentInfringementDispute }).ThenFails("kind", "request_dispute");

    [Fact]
    public void GivenNothing_WhenViolationIsAfterTheLead_ThenRefused() =>
        Given().When(RegisterShoeShopLead() with { ViolationOn = D(2025, 2, 20) }).ThenFails("violation_on", "cannot come after the lead");

    [Fact]
    public void GivenNothing_WhenFlagIsNotAWordList_ThenRefusedNamingTheFlag() =>
        Given().When(RegisterShoeShopLead() with { Flags = ["foreign-related", "E Commerce"] }).ThenFails("flags[1]", "lower-case words");

    [Fact]
    public void GivenNothing_WhenCampaignIsBlank_ThenRefusedNamingTheCampaign() =>
        Given().When(RegisterShoeShopLead() with { Campaigns = ["铁拳2025", " "] }).ThenFails("campaigns[1]", "1 to 64 letters");

    [Fact]
    public void GivenNothing_WhenCampaignHoldsPunctuation_ThenRefusedNamingTheCampaign() =>
        Given().When(RegisterShoeShopLead() with { Campaigns = ["铁拳2025'; --"] }).ThenFails("campaigns[0]", "letters, digits, '-' or '_'");

    [Fact]
    public void GivenNothing_WhenIdentityNumberHasAWrongCheckDigit_ThenRefused() =>
        Given().When(RegisterShoeShopLead() with { Party = ShopOwner with { IdentityNumber = "140824198001011231" } })
            .ThenFails("party.identity_number", "GB 11643");

    [Fact]
    public void GivenNothing_WhenSummaryIsBlank_ThenRefused() =>
        Given().When(RegisterShoeShopLead() with { Summary = "  " }).ThenFails("summary", "may not be blank");

    [Fact]
    public void GivenNothing_WhenPartyHasNoName_ThenRefused() =>
        Given().When(RegisterShoeShopLead() with { Party = ShopOwner with { Name = "" } }).ThenFails("party.name", "may not be blank");

    [Fact]
    public void GivenNothing_WhenLeadNamesACountyCodeReplacedBeforeItsYear_ThenRefusedNamingTheNewCode() =>
        Given().When(RegisterShoeShopLead() with { Region = RegionCode.Parse("310230") })
            .ThenFails("region", "replaced by 310151 崇明区 in 2016");

    [Fact]
    public void GivenNothing_WhenAnOldLeadNamesTheCodeThenInForce_ThenAccepted() =>
        Given().When(RegisterShoeShopLead() with { On = D(2016, 3, 1), ViolationOn = D(2016, 2, 20), Region = RegionCode.Parse("310230") })
            .ThenAccepted().Region.ShouldBe(RegionCode.Parse("310230"));

    [Fact]
    public void GivenNothing_WhenASoleTraderIsRegisteredWithItsOperator_ThenTheOperatorIsKeptForRedaction() =>
        Given().When(RegisterShoeShopLead() with { Party = new Party(PartyKind.Organisation, "稷山县王建国鞋店", Operator: "王建国") })
            .ThenAccepted().Party!.Operator.ShouldBe("王建国");

    [Fact]
    public void GivenNothing_WhenANaturalPersonCarriesAnOperator_ThenRefusedNamingTheField() =>
        Given().When(RegisterShoeShopLead() with { Party = ShopOwner with { Operator = "王建国" } }).ThenFails("party.operator", "个体工商户");
}
