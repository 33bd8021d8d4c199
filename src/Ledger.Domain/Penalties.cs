namespace Ledger.Domain;

/// <summary>
/// What a decision imposes or orders (《行政处罚法》 art. 9 lists the penalties; orders to stop or correct are
/// corrective measures under art. 28 and the special laws, not penalties).
/// </summary>
public enum PenaltyItemKind
{
    /// <summary>警告.</summary>
    Warning,
    /// <summary>罚款: a fine, capped by the special law (see <see cref="Law.FineRuleBook"/>).</summary>
    Fine,
    /// <summary>没收违法所得: confiscation of illegal gains; never more than the gains assessed.</summary>
    ConfiscationOfGains,
    /// <summary>没收、销毁侵权商品和工具: goods and tools confiscated or destroyed; their value is not money received.</summary>
    ConfiscationOfGoods,
    /// <summary>责令停止侵权行为 / 责令停止销售.</summary>
    OrderToStop,
    /// <summary>责令改正.</summary>
    OrderToCorrect,
}

/// <summary>
/// One item of a decision. <see cref="Amount"/> is required for fines and confiscated gains (money paid to the
/// treasury, counted in 罚没金额) and optional for confiscated goods (their value, not counted as money).
/// <see cref="Provision"/> names the fine provision (a family of <see cref="Law.FineRuleBook"/>, such as
/// "trademark-infringement" or "product-labelling") the item is imposed under: one decision may impose items under
/// several laws, each capped by its own. A decision records it on every fine and confiscation of gains; items recorded
/// before it existed (and proposals that do not say) leave it out of the stored JSON.
/// </summary>
public sealed record PenaltyItem(
    PenaltyItemKind Kind,
    Money? Amount = null,
    string? Description = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Provision = null)
{
    /// <summary>True for the items that are penalties proper (not corrective orders). A method, so it is not stored.</summary>
    public bool IsPenalty() => Kind is PenaltyItemKind.Warning or PenaltyItemKind.Fine
        or PenaltyItemKind.ConfiscationOfGains or PenaltyItemKind.ConfiscationOfGoods;

    /// <summary>True for the items whose amount is money paid over: fines and confiscated gains (罚没款).</summary>
    public bool IsMoneyPaid() => Kind is PenaltyItemKind.Fine or PenaltyItemKind.ConfiscationOfGains;
}

/// <summary>Sums over a list of penalty items, as the statistics read them.</summary>
public static class PenaltyItems
{
    /// <summary>The fines.</summary>
    public static Money Fines(this IEnumerable<PenaltyItem> items) =>
        Money.Sum(items.Where(i => i.Kind == PenaltyItemKind.Fine).Select(i => i.Amount ?? Money.Zero));

    /// <summary>The confiscated illegal gains.</summary>
    public static Money ConfiscatedGains(this IEnumerable<PenaltyItem> items) =>
        Money.Sum(items.Where(i => i.Kind == PenaltyItemKind.ConfiscationOfGains).Select(i => i.Amount ?? Money.Zero));

    /// <summary>罚没金额: fines plus confiscated money — what the party must pay, whatever law each item is imposed under.</summary>
    public static Money FinesAndConfiscations(this IEnumerable<PenaltyItem> items) => items.Fines() + items.ConfiscatedGains();

    /// <summary>
    /// The money items summed per provision, in the order of first mention; an item that names none counts under
    /// <paramref name="unnamed"/> (the case kind's own provision, or <see cref="ProvisionAmounts.Unstated"/> when the kind has
    /// several or none).
    /// </summary>
    public static IReadOnlyList<ProvisionAmounts> ByProvision(this IEnumerable<PenaltyItem> items, string unnamed)
    {
        var sums = new List<ProvisionAmounts>();
        foreach (var item in items.Where(i => i.IsMoneyPaid()))
        {
            var provision = item.Provision ?? unnamed;
            var index = sums.FindIndex(s => s.Provision == provision);
            var amount = item.Amount ?? Money.Zero;
            var (fines, gains) = item.Kind == PenaltyItemKind.Fine ? (amount, Money.Zero) : (Money.Zero, amount);
            if (index < 0) sums.Add(new ProvisionAmounts(provision, fines, gains));
            else sums[index] = sums[index] with { Fines = sums[index].Fines + fines, Confiscations = sums[index].Confiscations + gains };
        }
        return sums;
    }
}

/// <summary>The fines and confiscated gains a decision imposes under one provision (<see cref="Unstated"/> when it is not stated).</summary>
public sealed record ProvisionAmounts(string Provision, Money Fines, Money Confiscations)
{
    /// <summary>The key of money items that name no provision and whose case kind has not exactly one of its own.</summary>
    public const string Unstated = "unstated";
}

/// <summary>An amount assessed in the investigation and how it was established (e.g. "sales records ×  unit price").</summary>
public sealed record Assessment(Money Amount, string Method);

/// <summary>
/// 从轻 or 减轻 处罚 applied by a decision, with its ground as the decision states it (行政处罚法第三十条至第三十二条:
/// e.g. 主动消除或者减轻违法行为危害后果, 受他人胁迫或者诱骗实施违法行为, 配合查处违法行为有立功表现).
/// </summary>
public sealed record Mitigation(MitigationKind Kind, string Ground);

/// <summary>How far a mitigation goes.</summary>
public enum MitigationKind
{
    /// <summary>从轻处罚: the lighter end of the statutory range; never below its minimum.</summary>
    Lighter,
    /// <summary>减轻处罚: below the statutory range, so a fine may be below the statutory minimum.</summary>
    Reduced,
}

/// <summary>Why a decision imposes no penalty (《行政处罚法》 art. 30–33; 商标法 art. 60(2) for the innocent seller).</summary>
public enum NoPenaltyGround
{
    /// <summary>违法行为轻微并及时改正，没有造成危害后果 (art. 33(1)).</summary>
    MinorAndCorrected,
    /// <summary>初次违法且危害后果轻微并及时改正 (art. 33(1)).</summary>
    FirstViolationMinor,
    /// <summary>当事人有证据足以证明没有主观过错 (art. 33(2)).</summary>
    NoFault,
    /// <summary>销售不知道是侵权商品，能证明合法取得并说明提供者 (商标法 art. 60(2)): ordered to stop selling only.</summary>
    InnocentSeller,
    /// <summary>违法事实不能成立 (SAMR 程序规定: facts not established).</summary>
    FactsNotEstablished,
    /// <summary>超过追责时效 (art. 36: two years, five in some fields).</summary>
    LimitationExpired,
}

/// <summary>Where a case goes when it is transferred (移送).</summary>
public enum TransferTarget
{
    /// <summary>移送有管辖权的其他地区市场监管部门 (e.g. 运城 to 重庆永川).</summary>
    OtherRegionBureau,
    /// <summary>移送公安机关: a suspected crime (行刑衔接, 行政处罚法 art. 27).</summary>
    Police,
    /// <summary>移送其他行政机关 (customs, culture and tourism, …).</summary>
    OtherAgency,
}

/// <summary>Administrative review of a decision.</summary>
public enum ReviewKind
{
    /// <summary>行政复议.</summary>
    Reconsideration,
    /// <summary>行政诉讼.</summary>
    Litigation,
}

/// <summary>How a reconsideration or a lawsuit ended (《行政复议法》 2023 art. 63–68; 《行政诉讼法》 art. 69–78).</summary>
public enum ReviewOutcome
{
    /// <summary>维持 / 驳回诉讼请求: the decision stands.</summary>
    Upheld,
    /// <summary>变更: the penalty items are replaced by those of the review.</summary>
    Varied,
    /// <summary>撤销: the decision is revoked and nothing replaces it.</summary>
    Revoked,
    /// <summary>撤销并责令重新作出: revoked, and the bureau must decide again.</summary>
    RevokedWithOrderToDecideAgain,
    /// <summary>确认违法 or 确认无效: the decision is declared unlawful or void.</summary>
    DeclaredUnlawful,
    /// <summary>撤回申请 / 撤诉: the applicant withdrew (行政复议法第七十四条; 行政诉讼法第六十二条); the decision stands.</summary>
    Withdrawn,
}

/// <summary>Who brought a reconsideration or a lawsuit: the party, or a third party with an interest in the decision
/// (利害关系人, 行政复议法第十四条; 行政诉讼法第二十五条) such as the complainant or the right holder.</summary>
public enum ReviewApplicant
{
    /// <summary>The party the decision concerns.</summary>
    Party,
    /// <summary>The complainant (投诉人) or whistle-blower (举报人).</summary>
    Complainant,
    /// <summary>The holder of the right infringed.</summary>
    RightHolder,
    /// <summary>Another person with a legal interest in the decision.</summary>
    OtherInterestedParty,
}

/// <summary>How a patent dispute adjudication found.</summary>
public enum AdjudicationFinding
{
    /// <summary>侵权成立: the respondent is ordered to stop.</summary>
    Infringes,
    /// <summary>侵权不成立: the request is dismissed.</summary>
    DoesNotInfringe,
}

/// <summary>Why a case is closed (结案).</summary>
public enum ClosingGround
{
    /// <summary>处罚决定执行完毕: the decision is carried out, money paid.</summary>
    Executed,
    /// <summary>作出不予处罚决定.</summary>
    NoPenalty,
    /// <summary>案件已移送.</summary>
    Transferred,
    /// <summary>撤销立案.</summary>
    FilingWithdrawn,
    /// <summary>人民法院裁定终结执行 or the review removed the decision.</summary>
    EnforcementEnded,
    /// <summary>专利纠纷: adjudicated, mediated, or the request withdrawn.</summary>
    DisputeConcluded,
}

/// <summary>
/// A stretch of time that does not count towards a case's time limits (《市场监督管理行政处罚程序规定》第十八条、第六十三条):
/// the filing period leaves out testing, inspection, quarantine, appraisal and the right holder's identification; the
/// decision period leaves those out too, and public notice and an order to refund. Suspension and hearings have events
/// of their own.
/// </summary>
public enum ExcludedPeriodKind
{
    /// <summary>检测.</summary>
    Testing,
    /// <summary>检验.</summary>
    Inspection,
    /// <summary>检疫.</summary>
    Quarantine,
    /// <summary>鉴定 (technical appraisal).</summary>
    Appraisal,
    /// <summary>权利人辨认或者鉴别: the right holder identifies whether goods are genuine (the routine step of a trademark case).</summary>
    RightHolderIdentification,
    /// <summary>公告 (decision period only).</summary>
    PublicNotice,
    /// <summary>责令退款 (decision period only).</summary>
    RefundOrdered,
}

/// <summary>Why the police sent a transferred case back (《行政执法机关移送涉嫌犯罪案件的规定》第九条至第十一条).</summary>
public enum PoliceReturnGround
{
    /// <summary>不予立案: the police decided not to open a criminal case.</summary>
    NotOpened,
    /// <summary>撤销案件: the police closed the criminal case it had opened.</summary>
    CaseClosed,
}

/// <summary>How a hold on goods ended other than by release (行政强制法第二十八条; 行政处罚法第五十六条).</summary>
public enum GoodsHoldEnding
{
    /// <summary>没收: the decision confiscated the goods.</summary>
    Confiscated,
    /// <summary>销毁: destroyed as the decision ordered.</summary>
    Destroyed,
    /// <summary>随案移送: handed over with the case to the police or the bureau it was transferred to.</summary>
    TransferredWithCase,
    /// <summary>先行登记保存 dealt with by sealing or seizing the goods (a new measure is recorded for that).</summary>
    ConvertedToSealingOrSeizure,
}

/// <summary>A measure over goods during an investigation.</summary>
public enum GoodsMeasure
{
    /// <summary>先行登记保存 (行政处罚法 art. 56: handled within 7 working days).</summary>
    RegisteredForPreservation,
    /// <summary>查封 (行政强制法 art. 25: 30 days, extendable by 30).</summary>
    Sealed,
    /// <summary>扣押 (行政强制法 art. 25).</summary>
    Seized,
}
