using Ledger.Domain.Law;

namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    private static DecidePenalty Decision(params PenaltyItem[] items) =>
        new(D(2025, 4, 15), "稷市监处罚〔2025〕12号", items, TrademarkBases, Head);

    private CaseSpecification GivenNotified(decimal turnover, params PenaltyItem[] proposal) =>
        Given([.. FiledCase(turnover), Reviewed(), Notice(proposal)]);

    [Fact]
    public void GivenLead_WhenPenaltyDecided_ThenRefusedBecauseNoDecisionBeforeFiling() =>
        Given(Lead()).When(Decision(Fine(1_000))).ThenFails("case", "no decision before the case is filed");

    [Fact]
    public void GivenFiledCaseWithoutNotice_WhenFineDecided_ThenRefusedBecauseNoFineWithoutAdvanceNotice() =>
        Given(FiledCase()).When(Decision(Fine(5_000))).ThenFails("items", "advance notice", "第四十四条");

    [Fact]
    public void GivenTurnoverOfSixtyThousand_WhenFineIsFiveTimesTurnover_ThenDecidedCitingArticle60()
    {
        var expected = new CaseEvent.PenaltyDecided(D(2025, 4, 15), "稷市监处罚〔2025〕12号", [Fine(300_000) with { Provision = "trademark-infringement" }, StopOrder], TrademarkBases,
            "商标法第六十条第二款（违法经营额五万元以上的，可以处违法经营额五倍以下的罚款）: 违法经营额 60000.00 元 → 上限 5 × 60000.00 = 300000.00 元", Head);
        GivenNotified(60_000, Fine(300_000), StopOrder).When(Decision(Fine(300_000), StopOrder)).Then(expected)
            // What a clerk reads back of the case: the rule applied, in the law's words.
            .Decision!.AppliedRule.ShouldBe(expected.AppliedRule);
    }

    [Fact]
    public void GivenTurnoverOfSixtyThousand_WhenFineExceedsFiveTimesTurnoverByOneFen_ThenRefused() =>
        GivenNotified(60_000, Fine(400_000)).When(Decision(Fine(300_000.01m))).ThenFails("items[0].amount", "exceeds the cap of 300000.00", "商标法第六十条第二款");

    [Fact]
    public void GivenTurnoverBelowFiftyThousand_WhenFineExceedsTwoHundredFiftyThousand_ThenRefused() =>
        GivenNotified(40_000, Fine(300_000)).When(Decision(Fine(250_000.01m))).ThenFails("items[0].amount", "cap of 250000.00", "违法经营额不足五万元", "违法经营额 40000.00 元");

    [Fact]
    public void GivenTurnoverBelowFiftyThousand_WhenFineIsTwoHundredFiftyThousand_ThenDecided() =>
        GivenNotified(40_000, Fine(250_000)).When(Decision(Fine(250_000))).ThenAccepted().AmountImposed.ShouldBe(Yuan(250_000));

    [Fact]
    public void GivenInnocentSeller_WhenFined_ThenRefusedBecauseTheInnocentSellerIsOnlyOrderedToStop() =>
        Given([.. FiledCase(), new CaseEvent.InnocentSellerEstablished(D(2025, 3, 12), "临汾某鞋业批发部", Linfen, "进货发票"),
                Reviewed(), Notice(Fine(5_000), StopOrder)])
            .When(Decision(Fine(5_000), StopOrder)).ThenFails("items", "innocent seller", "商标法第六十条第二款", "decide_no_penalty");

    [Fact]
    public void GivenNoViolationDate_WhenFined_ThenRefusedBecauseTheDateDecidesTheLaw() =>
        Given(Lead(violationUnknown: true), Filed(), Officers(), Assessed(turnover: 10_000), Notice(Fine(5_000)))
            .When(Decision(Fine(5_000))).ThenFails("violation_on", "第三十七条");

    [Fact]
    public void GivenNotice_WhenDecisionIsHeavierThanProposed_ThenRefusedBecauseANewNoticeIsNeeded() =>
        GivenNotified(12_000, Fine(20_000)).When(Decision(Fine(25_000))).ThenFails("items", "heavier", "第四十五条");

    [Fact]
    public void GivenNotice_WhenDecisionAddsAPenaltyNotProposed_ThenRefused() =>
        GivenNotified(12_000, Fine(20_000)).When(Decision(Fine(10_000), ConfiscateGoods("运动鞋"))).ThenFails("items", "heavier");

    [Fact]
    public void GivenNotice_WhenTheApproverIsAHandler_ThenRefusedBySeparationOfDuties() =>
        GivenNotified(12_000, Fine(20_000)).When(Decision(Fine(20_000)) with { ApprovedBy = Zhang.CertificateNumber })
            .ThenFails("approved_by", "handler");

    [Fact]
    public void GivenMajorCaseWithoutLegalReview_WhenDecided_ThenRefused() =>
        Given([.. FiledCase(), Notice(Fine(20_000))]).When(Decision(Fine(20_000))).ThenFails("case", "legal review", "第五十八条");

    [Fact]
    public void GivenMajorCaseWithRejectingLegalReview_WhenDecided_ThenRefused() =>
        Given([.. FiledCase(), Reviewed(approved: false), Notice(Fine(20_000))]).When(Decision(Fine(20_000))).ThenFails("case", "approving legal review");

    [Fact]
    public void GivenGainsOfThreeThousand_WhenMoreIsConfiscated_ThenRefused() =>
        GivenNotified(12_000, Fine(20_000), ConfiscateGains(5_000)).When(Decision(Fine(20_000), ConfiscateGains(3_000.01m)))
            .ThenFails("items", "exceed the illegal gains assessed (3000.00)");

    [Fact]
    public void GivenFineWithoutAmount_WhenDecided_ThenRefusedNamingTheItem() =>
        GivenNotified(12_000, Fine(20_000)).When(Decision(new PenaltyItem(PenaltyItemKind.Fine))).ThenFails("items[0].amount", "states its amount");

    [Fact]
    public void GivenOnlyOrders_WhenPenaltyDecided_ThenRefusedBecauseNoPenaltyIsImposed() =>
        GivenNotified(12_000, Fine(20_000)).When(Decision(StopOrder)).ThenFails("items", "decide_no_penalty");

    [Fact]
    public void GivenDecidedCase_WhenDecidedAgain_ThenRefused() =>
        Given(DecidedAndServed()).When(Decision(Fine(1_000))).ThenFails("case", "already decided on 2025-04-15");

    [Fact]
    public void GivenMasksCase_WhenFinesAndConfiscationsExceedTheCaseValue_ThenDecided()
    {
        // 2020 Inner Mongolia masks: case value 281,300 but fines and confiscations 1,159,300 (domain.md).
        var lead = Lead(violationOn: D(2020, 2, 1)) with { On = D(2020, 2, 5), Flags = [CaseFlags.EpidemicPreventionGoods] };
        Clock.SetChinaDate(D(2020, 12, 31));
        var state = Given(lead, Filed(D(2020, 2, 6)), Officers(D(2020, 2, 6)),
                new CaseEvent.AmountsAssessed(D(2020, 2, 20), new Assessment(Yuan(281_300), "销售记录"), null, new Assessment(Yuan(59_300), "销售收入扣除成本")),
                Reviewed() with { On = D(2020, 3, 1) }, Notice(Fine(1_100_000), ConfiscateGains(59_300)) with { On = D(2020, 3, 2), StatementDueOn = D(2020, 3, 9), HearingRequestDueOn = D(2020, 3, 9) })
            .When(Decision(Fine(1_100_000), ConfiscateGains(59_300)) with { On = D(2020, 3, 20) }).ThenAccepted();
        state.CaseValue.ShouldBe(Yuan(281_300));
        state.AmountImposed.ShouldBe(Yuan(1_159_300));
    }

    // ----- patent counterfeiting: 专利法 2008 art. 63 before 2021-06-01, 2020 art. 68 after; 从旧兼从轻 -----

    private CaseSpecification GivenPatentCase(LocalDate violationOn, decimal gains, decimal proposal)
    {
        var lead = Lead(CaseKind.PatentCounterfeiting, violationOn: violationOn) with { On = violationOn.PlusDays(10) };
        return Given(lead, Filed(violationOn.PlusDays(12)), Officers(violationOn.PlusDays(12)),
            new CaseEvent.AmountsAssessed(violationOn.PlusDays(20), null, null, new Assessment(Yuan(gains), "销售收入")),
            new CaseEvent.LegalReviewCompleted(violationOn.PlusDays(25), Reviewer, true, "同意"),
            new CaseEvent.AdvanceNoticeServed(violationOn.PlusDays(26), [Fine(proposal)], ["专利法"], violationOn.PlusDays(33), true, violationOn.PlusDays(33)));
    }

    [Fact]
    public void GivenPatentCounterfeitingBeforeJune2021DecidedAfter_WhenFineAboveFourTimesGains_ThenRefusedUnderTheOldLaw() =>
        GivenPatentCase(D(2021, 3, 1), gains: 60_000, proposal: 300_000)
            .When(new DecidePenalty(D(2021, 8, 2), "假冒专利〔2021〕1号", [Fine(240_000.01m)], ["专利法(2008)第六十三条"], Head))
            .ThenFails("items[0].amount", "cap of 240000.00", "专利法(2008)第六十三条", "第三十七条");

    [Fact]
    public void GivenPatentCounterfeitingBeforeJune2021DecidedAfter_WhenFineIsFourTimesGains_ThenDecidedUnderTheOldLaw()
    {
        var decided = GivenPatentCase(D(2021, 3, 1), gains: 60_000, proposal: 300_000)
            .When(new DecidePenalty(D(2021, 8, 2), "假冒专利〔2021〕1号", [Fine(240_000)], ["专利法(2008)第六十三条"], Head)).ThenAccepted();
        decided.AmountImposed.ShouldBe(Yuan(240_000));
    }

    [Fact]
    public void GivenPatentCounterfeitingAfterJune2021WithoutGains_WhenFineIsTwoHundredFiftyThousand_ThenDecidedUnderArticle68() =>
        GivenPatentCase(D(2021, 7, 1), gains: 0, proposal: 250_000)
            .When(new DecidePenalty(D(2021, 9, 1), "假冒专利〔2021〕2号", [Fine(250_000)], ["专利法第六十八条"], Head))
            .ThenAccepted().AmountImposed.ShouldBe(Yuan(250_000));

    [Fact]
    public void GivenALaterLighterLaw_WhenDecidedAfterItTookEffect_ThenTheLighterLawApplies()
    {
        // Rules are data: a hypothetical amendment lowering the cap to 3 × gains from 2025-06-01 is one more entry.
        var lighter = new FineRule("patent-counterfeiting", "专利法(假设修正)第六十八条", [CaseKind.PatentCounterfeiting],
            D(2025, 6, 1), null, FineBasis.IllegalGains, 3, Yuan(50_000.01m), Yuan(150_000), Money.Zero,
            "违法所得五万元以上的，可以处违法所得三倍以下的罚款", "没有违法所得或者违法所得在五万元以下的，可以处十五万元以下的罚款");
        FineRules = new FineRuleBook([.. FineRuleBook.China.Rules.Select(r => r.Citation == "专利法第六十八条" ? r with { InForceUntil = D(2025, 6, 1) } : r), lighter]);
        GivenPatentCase(D(2025, 3, 1), gains: 60_000, proposal: 300_000)
            .When(new DecidePenalty(D(2025, 7, 1), "假冒专利〔2025〕3号", [Fine(180_000.01m)], ["专利法"], Head))
            .ThenFails("items[0].amount", "cap of 180000.00", "lighter than 专利法第六十八条");
    }

    // ----- trademark agencies: 10,000 to 100,000 -----

    [Theory]
    [InlineData(9_999.99, "below the statutory minimum of 10000.00")]
    [InlineData(100_000.01, "exceeds the cap of 100000.00")]
    public void GivenTrademarkAgencyCase_WhenFineOutsideTenToOneHundredThousand_ThenRefused(decimal fine, string rule) =>
        Given(Lead(CaseKind.TrademarkAgency, Agency), Filed(), Officers(), Reviewed(), Notice(Fine(200_000)))
            .When(Decision(Fine(fine))).ThenFails("items[0].amount", rule, "商标法第六十八条第一款");

    [Fact]
    public void GivenSpecialMarkCase_WhenTheProvisionIsNotNamed_ThenRefusedListingTheProvisions() =>
        Given(Lead(CaseKind.OfficialOrSpecialMark), Filed(), Officers(), Reviewed(), Notice(Fine(20_000)))
            .When(Decision(Fine(5_000))).ThenFails("fine_provision", "olympic-mark", "special-mark");

    [Fact]
    public void GivenSpecialMarkCaseWithoutGains_WhenFinedMoreThanTenThousandUnderTheSpecialMarkRegulation_ThenRefused() =>
        Given(Lead(CaseKind.OfficialOrSpecialMark), Filed(), Officers(), Reviewed(), Notice(Fine(20_000)))
            .When(Decision(Fine(10_000.01m)) with { FineProvision = "special-mark" }).ThenFails("items[0].amount", "cap of 10000.00", "特殊标志管理条例第十六条");

    [Fact]
    public void GivenPatentGainsOfExactlyFiftyThousand_WhenFined_ThenTheReasoningQuotesTheLawsFiveWanOrLessNotAThresholdInFen() =>
        // 专利法第六十八条: "违法所得在五万元以下的" takes in 50,000 itself; the ledger compares with 50,000.01, the clerk reads the law.
        GivenPatentCase(D(2022, 3, 1), gains: 50_000, proposal: 250_000)
            .When(new DecidePenalty(D(2022, 5, 1), "假冒专利〔2022〕1号", [Fine(250_000)], ["专利法第六十八条"], Head))
            .Then(new CaseEvent.PenaltyDecided(D(2022, 5, 1), "假冒专利〔2022〕1号", [Fine(250_000) with { Provision = "patent-counterfeiting" }], ["专利法第六十八条"],
                "专利法第六十八条（没有违法所得或者违法所得在五万元以下的，可以处二十五万元以下的罚款）: 违法所得 50000.00 元 → 上限 250000.00 元", Head));

    // ----- 从轻、减轻 (行政处罚法第三十条至第三十二条): recorded with their ground; only 减轻 goes below the statutory minimum -----
    // A trademark agency is fined 10,000 to 100,000 (商标法第六十八条第一款).

    private CaseSpecification GivenAgencyNotified(decimal proposal) =>
        Given([.. FiledCase(kind: CaseKind.TrademarkAgency, party: Company), Reviewed(), Notice(Fine(proposal))]);

    private static DecidePenalty AgencyDecision(decimal fine, Mitigation? mitigation = null) =>
        Decision(Fine(fine)) with { LegalBases = ["商标法第六十八条第一款"], Mitigation = mitigation };

    [Fact]
    public void GivenAgencyCase_WhenFinedBelowTheMinimumWithoutMitigation_ThenRefusedSayingThatIsReduced() =>
        GivenAgencyNotified(5_000).When(AgencyDecision(5_000)).ThenFails("items[0].amount", "below the statutory minimum of 10000.00", "减轻处罚", "第三十二条");

    [Fact]
    public void GivenAgencyCase_WhenFinedBelowTheMinimumAsLighter_ThenStillRefusedBecauseLighterStaysInTheRange() =>
        GivenAgencyNotified(5_000).When(AgencyDecision(5_000, new Mitigation(MitigationKind.Lighter, "初次违法"))).ThenFails("items[0].amount", "below the statutory minimum");

    [Fact]
    public void GivenAgencyCase_WhenFinedBelowTheMinimumAsReducedWithItsGround_ThenDecidedAndTheGroundRecorded() =>
        GivenAgencyNotified(5_000).When(AgencyDecision(5_000, new Mitigation(MitigationKind.Reduced, "主动消除违法行为危害后果（行政处罚法第三十二条第一项）")))
            .Then(new CaseEvent.PenaltyDecided(D(2025, 4, 15), "稷市监处罚〔2025〕12号", [Fine(5_000) with { Provision = "trademark-agency" }], ["商标法第六十八条第一款"],
                "商标法第六十八条第一款（处一万元以上十万元以下的罚款）: 10000.00–100000.00 元; 减轻处罚: 主动消除违法行为危害后果（行政处罚法第三十二条第一项）", Head,
                new Mitigation(MitigationKind.Reduced, "主动消除违法行为危害后果（行政处罚法第三十二条第一项）")));

    [Fact]
    public void GivenAgencyCase_WhenFinedWithinTheRangeAsLighter_ThenDecidedWithItsGround() =>
        GivenAgencyNotified(10_000).When(AgencyDecision(10_000, new Mitigation(MitigationKind.Lighter, "配合调查，如实陈述")))
            .ThenAccepted().Decision!.Items.Fines().ShouldBe(Yuan(10_000));

    [Fact]
    public void GivenAgencyCase_WhenAMitigationHasNoGround_ThenRefusedNamingTheGround() =>
        GivenAgencyNotified(5_000).When(AgencyDecision(5_000, new Mitigation(MitigationKind.Reduced, " "))).ThenFails("mitigation.ground", "may not be blank");
}
