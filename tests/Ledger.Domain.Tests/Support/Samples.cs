using static Ledger.Domain.CaseEvent;

namespace Ledger.Domain.Tests.Support;

/// <summary>
/// The 稷山 shoe-shop case (a complaint on 2025-02-19 about shoes bearing a counterfeit "N" mark) as building blocks
/// for specifications, and a sample of every event type.
/// </summary>
public static class Samples
{
    public static LocalDate D(int year, int month, int day) => new(year, month, day);

    public static readonly RegionCode Jishan = RegionCode.Parse("140824");
    public static readonly RegionCode Yuncheng = RegionCode.Parse("140800");
    public static readonly RegionCode Linfen = RegionCode.Parse("141000");
    public static readonly RegionCode Wenxi = RegionCode.Parse("140823");

    public static readonly Party ShopOwner = new(PartyKind.NaturalPerson, "余某某", "140824198001011230", "13800000000", "山西省运城市稷山县某街12号");
    public static readonly Party Company = new(PartyKind.Organisation, "某商贸有限公司", null, null, "山西省运城市稷山县某路8号");
    public static readonly Party Agency = new(PartyKind.Organisation, "某知识产权代理有限公司");
    public static readonly ProtectedRight MarkN = new(RightKind.Trademark, "N", "第1234567号", "某体育用品有限公司");
    public static readonly ProtectedRight VasePatent = new(RightKind.DesignPatent, "玻璃花瓶", "ZL202030000000.0", "某玻璃制品有限公司");

    public static readonly Officer Zhang = new("14082401001", "张某");
    public static readonly Officer Li = new("14082401002", "李某");
    public const string Head = "14082400001";
    public const string Reviewer = "14082400101";
    public const string HearingOfficer = "14082400201";

    public static Money Yuan(decimal yuan) => Money.FromYuan(yuan);
    public static PenaltyItem Fine(decimal yuan) => new(PenaltyItemKind.Fine, Yuan(yuan));
    public static PenaltyItem ConfiscateGains(decimal yuan) => new(PenaltyItemKind.ConfiscationOfGains, Yuan(yuan));
    public static PenaltyItem ConfiscateGoods(string what) => new(PenaltyItemKind.ConfiscationOfGoods, null, what);
    public static readonly PenaltyItem StopOrder = new(PenaltyItemKind.OrderToStop, null, "责令立即停止销售侵权商品");
    public static readonly PenaltyItem WarningItem = new(PenaltyItemKind.Warning);

    public static readonly string[] TrademarkBases = ["商标法第五十七条第三项", "商标法第六十条第二款"];

    public static LeadRegistered Lead(CaseKind kind = CaseKind.TrademarkInfringement, Party? party = null, LocalDate? violationOn = null, bool violationUnknown = false) =>
        new(D(2025, 2, 19), LeadSource.Complaint, "投诉某鞋铺销售假冒\"N\"注册商标的运动鞋", Jishan, kind, party ?? ShopOwner,
            kind is CaseKind.TrademarkAgency or CaseKind.PatentAgency ? null : MarkN,
            violationUnknown ? null : violationOn ?? D(2025, 2, 10), [CaseFlags.PhysicalMarket], ["铁拳2025"]);

    public static CaseFiled Filed(LocalDate? on = null) => new(on ?? D(2025, 2, 25), Head, ["商标法第五十七条第三项"]);
    public static OfficersAssigned Officers(LocalDate? on = null) => new(on ?? D(2025, 2, 25), [Zhang, Li]);
    public static AmountsAssessed Assessed(decimal? turnover = null, decimal? gains = null, decimal? goodsValue = null) =>
        new(D(2025, 3, 10),
            turnover is { } t ? new Assessment(Yuan(t), "销售记录与进货单据核算") : null,
            goodsValue is { } g ? new Assessment(Yuan(g), "按标价计算") : null,
            gains is { } i ? new Assessment(Yuan(i), "销售收入扣除进货成本") : null);
    public static LegalReviewCompleted Reviewed(bool approved = true) => new(D(2025, 3, 20), Reviewer, approved, "事实清楚，证据确凿，适用依据正确");
    public static AdvanceNoticeServed Notice(params PenaltyItem[] items) =>
        new(D(2025, 3, 25), items, TrademarkBases, D(2025, 4, 1), items.Fines() >= Yuan(10_000), items.Fines() >= Yuan(10_000) ? D(2025, 4, 1) : null);
    public static PenaltyDecided Penalty(params PenaltyItem[] items) =>
        new(D(2025, 4, 15), "稷市监处罚〔2025〕12号", items, TrademarkBases, null, Head);
    public static DecisionServed Served(LocalDate? on = null) => new(on ?? D(2025, 4, 16), "直接送达");
    public static PaymentReceived Paid(decimal yuan, LocalDate? on = null) => new(on ?? D(2025, 4, 25), Yuan(yuan), "非税收入缴款书 1400000001");
    public static CaseClosed Closed(ClosingGround ground = ClosingGround.Executed) => new(D(2025, 4, 28), ground, "罚没款已缴清，结案");

    /// <summary>A filed trademark case with two handlers and assessed turnover, ready for notice.</summary>
    public static CaseEvent[] FiledCase(decimal turnover = 12_000, CaseKind kind = CaseKind.TrademarkInfringement, Party? party = null) =>
        [Lead(kind, party), Filed(), Officers(), Assessed(turnover: turnover, gains: 3_000)];

    /// <summary>A case decided with a fine of 20,000 and a stop order, served on 2025-04-16.</summary>
    public static CaseEvent[] DecidedAndServed(decimal fine = 20_000) =>
        [.. FiledCase(), Reviewed(), Notice(Fine(fine), StopOrder), Penalty(Fine(fine), StopOrder), Served()];

    /// <summary>One instance of every event type, in a plausible order, for snapshots and round trips.</summary>
    public static IReadOnlyList<CaseEvent> EveryEventType { get; } =
    [
        Lead(),
        new LeadNotFiled(D(2025, 3, 3), "违法事实不能成立", Head),
        new LeadTransferred(D(2025, 3, 3), Linfen, "当事人住所地在临汾市，依法移送有管辖权的机关"),
        new FilingPeriodExtended(D(2025, 3, 3), Head, "需核实商标权属"),
        Filed(),
        Officers(),
        new EvidenceRecorded(D(2025, 2, 26), "现场检查笔录、照片12张、权利人鉴定意见"),
        new GoodsHeld(D(2025, 2, 26), "BC-01", GoodsMeasure.Sealed, "涉嫌侵权运动鞋32双", Yuan(6_400)),
        new GoodsReleased(D(2025, 3, 20), "BC-01", "作出处理决定，依法解除查封"),
        new GoodsHoldExtended(D(2025, 3, 20), "稷市监封〔2025〕3号", Head, "案情复杂，需进一步调查"),
        new GoodsHoldEnded(D(2025, 4, 15), "稷市监封〔2025〕3号", GoodsHoldEnding.Confiscated, "依处罚决定没收"),
        new ExcludedPeriodStarted(D(2025, 2, 26), ExcludedPeriodKind.RightHolderIdentification, "委托商标权利人对涉案运动鞋进行辨认"),
        new ExcludedPeriodEnded(D(2025, 2, 28), ExcludedPeriodKind.RightHolderIdentification),
        new CaseSuspended(D(2025, 3, 1), "商标权属发生争议，等待商标局裁定"),
        new CaseResumed(D(2025, 3, 11), "权属争议已消除"),
        Assessed(turnover: 12_000, gains: 3_000, goodsValue: 6_400),
        new InnocentSellerEstablished(D(2025, 3, 12), "临汾某鞋业批发部", Linfen, "提供进货发票及供货商信息"),
        new RelatedLeadReferred(D(2025, 3, 12), Linfen, "供货商线索移送临汾市市场监督管理局"),
        new JointHandlingAgreed(D(2025, 3, 5), Yuncheng, "与运城市局联合办案"),
        Reviewed(),
        Notice(Fine(20_000), StopOrder),
        new StatementOfDefenceReceived(D(2025, 3, 28), "当事人称系初次违法，请求从轻"),
        new DefenceRightsWaived(D(2025, 3, 26), "当事人书面放弃陈述、申辩和听证的权利"),
        new HearingRequested(D(2025, 3, 27)),
        new HearingRequestWithdrawn(D(2025, 3, 29)),
        new HearingHeld(D(2025, 4, 8), HearingOfficer, "当事人到场陈述，对事实无异议"),
        new DecisionPeriodExtended(D(2025, 5, 20), Head, "案情复杂"),
        Penalty(Fine(20_000) with { Provision = "trademark-infringement" }, Fine(1_500) with { Provision = "product-labelling" },
            ConfiscateGains(3_000) with { Provision = "trademark-infringement" }, ConfiscateGoods("侵权运动鞋32双"), StopOrder),
        new NoPenaltyDecided(D(2025, 4, 15), "稷市监不罚〔2025〕3号", NoPenaltyGround.InnocentSeller, [StopOrder], ["商标法第六十条第二款"], Head),
        new CaseTransferred(D(2025, 4, 15), TransferTarget.Police, Jishan, "稷山县公安局", "涉案金额达到刑事立案追诉标准", Head),
        new PoliceReturnedCase(D(2025, 5, 20), PoliceReturnGround.NotOpened, "稷山县公安局", "稷公（经）不立字〔2025〕7号"),
        new FilingWithdrawn(D(2025, 4, 15), "违法事实不能成立", Head),
        Served(),
        new PaymentDeferred(D(2025, 4, 20), D(2025, 6, 30), Head, "当事人经济困难"),
        new InstalmentsGranted(D(2025, 4, 20), [new Instalment(D(2025, 5, 31), Yuan(10_000)), new Instalment(D(2025, 6, 30), Yuan(13_000))], Head),
        Paid(23_000),
        new ReviewApplied(D(2025, 5, 10), ReviewKind.Reconsideration, "运城市人民政府", ReviewApplicant.RightHolder, "New Balance Athletics, Inc."),
        new DecisionChangedByBureau(D(2025, 5, 20), ReviewOutcome.Varied, "核查发现罚款计算有误，主动改正", Head, [Fine(18_000), StopOrder]),
        new ReviewConcluded(D(2025, 7, 10), ReviewKind.Reconsideration, ReviewOutcome.Varied, "运政复决字〔2025〕8号", [Fine(15_000), StopOrder]),
        Closed(),
        new CaseDetailsCorrected(D(2025, 4, 1), "案件类别登记有误", CaseKind.TrademarkInfringement, null, null, null, D(2025, 2, 8), null, ["铁拳2025", "双打2025"]),
        new StepVoided(D(2025, 4, 2), 41, "case_details_corrected", D(2025, 4, 1), "更正事项登记错误，予以作废", Head),
        new DisputeRequested(D(2024, 5, 6), Wenxi, Company, ShopOwner, VasePatent, "请求处理玻璃花瓶外观设计专利侵权纠纷", [], []),
        new DisputeAccepted(D(2024, 5, 9), Head, [Zhang, Li]),
        new DisputeAnswerReceived(D(2024, 5, 22), "被请求人否认侵权"),
        new OralHearingHeld(D(2024, 6, 12), "双方到场，进行了比对"),
        new DisputeAdjudicated(D(2024, 7, 1), "运市监专裁〔2024〕1号", AdjudicationFinding.Infringes, Head),
        new MediationAgreed(D(2024, 6, 20), Yuan(30_000), "被请求人停止销售并赔偿损失"),
        new JudicialConfirmationObtained(D(2024, 7, 5), "闻喜县人民法院", "(2024)晋0823民特12号"),
        new DisputeWithdrawn(D(2024, 6, 20), "双方和解"),
    ];
}
