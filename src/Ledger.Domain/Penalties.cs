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
/// </summary>
public sealed record PenaltyItem(PenaltyItemKind Kind, Money? Amount = null, string? Description = null)
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

    /// <summary>罚没金额: fines plus confiscated money — what the party must pay.</summary>
    public static Money FinesAndConfiscations(this IEnumerable<PenaltyItem> items) => items.Fines() + items.ConfiscatedGains();
}

/// <summary>An amount assessed in the investigation and how it was established (e.g. "sales records ×  unit price").</summary>
public sealed record Assessment(Money Amount, string Method);

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
