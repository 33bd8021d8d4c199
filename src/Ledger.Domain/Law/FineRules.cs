using NodaTime;

namespace Ledger.Domain.Law;

/// <summary>The amount a fine's cap is a multiple of.</summary>
public enum FineBasis
{
    /// <summary>The cap is a fixed amount.</summary>
    None,
    /// <summary>违法经营额 (trademark law).</summary>
    Turnover,
    /// <summary>违法所得 (patent law, special marks).</summary>
    IllegalGains,
    /// <summary>货值金额 (product quality law).</summary>
    GoodsValue,
}

/// <summary>
/// One version of one fine provision, in force from <see cref="InForceFrom"/> until the day before
/// <see cref="InForceUntil"/>. A new law is a new entry in <see cref="FineRuleBook"/>, never a code change.
/// The cap is <see cref="Multiple"/> × the basis (a fraction such as 0.3 is "百分之三十", rounded down to the fen) when the
/// basis is at least <see cref="MultipleAppliesFrom"/>, else <see cref="FlatCap"/>; <see cref="Minimum"/> is the statutory floor ("一万元以上"). <see cref="MultipleWords"/> and
/// <see cref="FlatWords"/> are the provision's own words for the two branches, which the reasoning recorded on a decision
/// quotes: a clerk reads "违法所得在五万元以下", not the fen the ledger compares with. A provision with no
/// <see cref="Kinds"/> belongs to another law (e.g. product labelling) and may be cited by a fine item of any case,
/// but is never a case's own provision.
/// </summary>
public sealed record FineRule(
    string Family,
    string Citation,
    IReadOnlyList<CaseKind> Kinds,
    LocalDate InForceFrom,
    LocalDate? InForceUntil,
    FineBasis Basis,
    decimal Multiple,
    Money MultipleAppliesFrom,
    Money FlatCap,
    Money Minimum,
    string MultipleWords,
    string FlatWords)
{
    /// <summary>True when the provision was in force on <paramref name="date"/>.</summary>
    public bool InForceOn(LocalDate date) => date >= InForceFrom && (InForceUntil is null || date < InForceUntil);

    /// <summary>True when any case kind may cite this provision for a fine item (it belongs to another law).</summary>
    public bool General => Kinds.Count == 0;

    /// <summary>The highest fine this version allows for the amounts assessed, with the reasoning in words.</summary>
    public (Money Cap, string Reason) CapFor(Money? turnover, Money? illegalGains, Money? goodsValue = null)
    {
        var basis = Basis switch
        {
            FineBasis.Turnover => turnover,
            FineBasis.IllegalGains => illegalGains,
            FineBasis.GoodsValue => goodsValue,
            _ => null,
        };
        var basisName = Basis switch { FineBasis.Turnover => "违法经营额", FineBasis.GoodsValue => "货值金额", _ => "违法所得" };
        if (Basis != FineBasis.None && basis is { } amount && amount >= MultipleAppliesFrom)
        {
            var cap = amount.Times(Multiple);
            return (cap, $"{Citation}（{MultipleWords}）: {basisName} {amount} 元 → 上限 {Multiple.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} × {amount} = {cap} 元");
        }
        return Basis == FineBasis.None
            ? (FlatCap, $"{Citation}（{FlatWords}）: {(Minimum > Money.Zero ? $"{Minimum}–" : "上限 ")}{FlatCap} 元")
            : (FlatCap, $"{Citation}（{FlatWords}）: {basisName} {(basis is { } b ? $"{b} 元" : "无")} → 上限 {FlatCap} 元");
    }
}

/// <summary>The fine provision and cap that apply to one decision, after 从旧兼从轻.</summary>
public sealed record ApplicableFine(FineRule Rule, Money Cap, Money Minimum, string Explanation);

/// <summary>
/// The fine provisions, versioned in time. <see cref="Resolve"/> applies 《行政处罚法》 art. 37: the law in force when
/// the violation was committed, unless the law in force at the decision is lighter.
/// </summary>
public sealed class FineRuleBook(IReadOnlyList<FineRule> rules)
{
    /// <summary>All versions of all provisions.</summary>
    public IReadOnlyList<FineRule> Rules { get; } = rules;

    // Asked for every event the totals projection folds (CaseContribution.Of): worked out once per kind.
    private readonly Dictionary<CaseKind, string?> ownFamilies = Enum.GetValues<CaseKind>().ToDictionary(
        kind => kind, kind => rules.Where(r => r.Kinds.Contains(kind)).Select(r => r.Family).Distinct().ToList() is [var one] ? one : null);

    /// <summary>The one provision family that governs fines for <paramref name="kind"/>, or null when it has several or none.</summary>
    public string? OwnFamilyOf(CaseKind kind) => ownFamilies[kind];

    /// <summary>The provision families that govern fines for <paramref name="kind"/> (e.g. special marks have two).</summary>
    public IReadOnlyList<string> FamiliesFor(CaseKind kind) =>
        Rules.Where(r => r.Kinds.Contains(kind)).Select(r => r.Family).Distinct().ToList();

    /// <summary>The provisions of other laws that a fine item of any case may cite (<see cref="FineRule.General"/>).</summary>
    public IReadOnlyList<string> GeneralFamilies() => Rules.Where(r => r.General).Select(r => r.Family).Distinct().ToList();

    /// <summary>
    /// The citations of a family's versions, oldest first, for labels ("专利法(2008)第六十三条、专利法第六十八条": a family's
    /// items may have been imposed under any of them); null for an unknown family.
    /// </summary>
    public string? CitationOf(string family) =>
        Rules.Where(r => r.Family == family).OrderBy(r => r.InForceFrom).Select(r => r.Citation).ToList() is { Count: > 0 } citations
            ? string.Join("、", citations) : null;

    /// <summary>
    /// The version of <paramref name="family"/> to apply to a violation committed on <paramref name="violationOn"/>
    /// and decided on <paramref name="decisionOn"/>, and its cap for the amounts assessed; null when the family has
    /// no version in force on either date.
    /// </summary>
    public ApplicableFine? Resolve(string family, LocalDate violationOn, LocalDate decisionOn, Money? turnover, Money? illegalGains, Money? goodsValue = null)
    {
        var then = Rules.FirstOrDefault(r => r.Family == family && r.InForceOn(violationOn));
        var now = Rules.FirstOrDefault(r => r.Family == family && r.InForceOn(decisionOn));
        if (then is null && now is null) return null;
        if (then is null || now is null || ReferenceEquals(then, now))
        {
            var only = then ?? now!;
            var (cap, reason) = only.CapFor(turnover, illegalGains, goodsValue);
            return new ApplicableFine(only, cap, only.Minimum, reason);
        }
        // 从旧兼从轻: the old law applies unless the new one is lighter for this party (lower cap, then lower floor).
        var (oldCap, oldReason) = then.CapFor(turnover, illegalGains, goodsValue);
        var (newCap, newReason) = now.CapFor(turnover, illegalGains, goodsValue);
        var newIsLighter = newCap < oldCap || (newCap == oldCap && now.Minimum < then.Minimum);
        return newIsLighter
            ? new ApplicableFine(now, newCap, now.Minimum, $"{newReason} (行政处罚法第三十七条: lighter than {then.Citation}, in force when the act was committed)")
            : new ApplicableFine(then, oldCap, then.Minimum, $"{oldReason} (行政处罚法第三十七条: the law in force when the act was committed; {now.Citation} is not lighter)");
    }

    private static Money Yuan(decimal yuan) => Money.FromYuan(yuan);

    /// <summary>
    /// The provisions of PRC law the ledger knows. Dates are the days the texts took effect.
    /// </summary>
    public static FineRuleBook China { get; } = new(
    [
        // 商标法实施条例 (2002) art. 52: up to three times the illegal turnover; up to 100,000 when it cannot be computed.
        new("trademark-infringement", "商标法实施条例(2002)第五十二条",
            [CaseKind.TrademarkInfringement, CaseKind.GeographicalIndication],
            new LocalDate(2002, 9, 15), new LocalDate(2014, 5, 1), FineBasis.Turnover, 3, Money.FromFen(1), Yuan(100_000), Money.Zero,
            "罚款数额为非法经营额3倍以下", "非法经营额无法计算的，罚款数额为10万元以下"),
        // 商标法 (2013, unchanged in 2019) art. 60(2): turnover of 50,000 or more → up to five times; else up to 250,000.
        new("trademark-infringement", "商标法第六十条第二款",
            [CaseKind.TrademarkInfringement, CaseKind.GeographicalIndication],
            new LocalDate(2014, 5, 1), null, FineBasis.Turnover, 5, Yuan(50_000), Yuan(250_000), Money.Zero,
            "违法经营额五万元以上的，可以处违法经营额五倍以下的罚款", "没有违法经营额或者违法经营额不足五万元的，可以处二十五万元以下的罚款"),
        // 商标法 (2013) art. 68: trademark agencies 10,000 to 100,000.
        new("trademark-agency", "商标法第六十八条第一款",
            [CaseKind.TrademarkAgency],
            new LocalDate(2014, 5, 1), null, FineBasis.None, 0, Money.Zero, Yuan(100_000), Yuan(10_000),
            "", "处一万元以上十万元以下的罚款"),
        // 专利法 (2008) art. 63: up to four times the illegal gains; up to 200,000 without gains.
        new("patent-counterfeiting", "专利法(2008)第六十三条",
            [CaseKind.PatentCounterfeiting],
            new LocalDate(2009, 10, 1), new LocalDate(2021, 6, 1), FineBasis.IllegalGains, 4, Money.FromFen(1), Yuan(200_000), Money.Zero,
            "可以处违法所得四倍以下的罚款", "没有违法所得的，可以处二十万元以下的罚款"),
        // 专利法 (2020) art. 68: up to five times the gains; up to 250,000 when none or 50,000 or less.
        new("patent-counterfeiting", "专利法第六十八条",
            [CaseKind.PatentCounterfeiting],
            new LocalDate(2021, 6, 1), null, FineBasis.IllegalGains, 5, Yuan(50_000.01m), Yuan(250_000), Money.Zero,
            "违法所得五万元以上的，可以处违法所得五倍以下的罚款", "没有违法所得或者违法所得在五万元以下的，可以处二十五万元以下的罚款"),
        // 专利代理条例 (2018) art. 25: agencies up to 100,000.
        new("patent-agency", "专利代理条例第二十五条",
            [CaseKind.PatentAgency],
            new LocalDate(2019, 3, 1), null, FineBasis.None, 0, Money.Zero, Yuan(100_000), Money.Zero,
            "", "可以处10万元以下的罚款"),
        // 奥林匹克标志保护条例 (2018) art. 12: as the trademark law.
        new("olympic-mark", "奥林匹克标志保护条例第十二条",
            [CaseKind.OfficialOrSpecialMark],
            new LocalDate(2018, 7, 31), null, FineBasis.Turnover, 5, Yuan(50_000), Yuan(250_000), Money.Zero,
            "违法经营额5万元以上的，可以处违法经营额5倍以下的罚款", "没有违法经营额或者违法经营额不足5万元的，可以处25万元以下的罚款"),
        // 特殊标志管理条例 (1996) art. 16: up to five times the gains; up to 10,000 without gains.
        new("special-mark", "特殊标志管理条例第十六条",
            [CaseKind.OfficialOrSpecialMark],
            new LocalDate(1996, 7, 13), null, FineBasis.IllegalGains, 5, Money.FromFen(1), Yuan(10_000), Money.Zero,
            "可以并处违法所得5倍以下的罚款", "没有违法所得的，可以处1万元以下的罚款"),
        // Another law's fine beside the IP one (a decision may carry both, each under its own cap): 产品质量法 (2000,
        // unchanged since in this article) art. 54, labelling of packaged goods that breaks art. 27(4)/(5), serious cases
        // — up to 30 % of the value of the goods produced or sold; without a goods value assessed there is nothing to cap by.
        new("product-labelling", "产品质量法第五十四条",
            [],
            new LocalDate(2000, 9, 1), null, FineBasis.GoodsValue, 0.3m, Money.FromFen(1), Money.Zero, Money.Zero,
            "并处违法生产、销售产品货值金额百分之三十以下的罚款", "货值金额未查明的，无从计算罚款上限"),
    ]);
}

/// <summary>
/// When a proposed penalty is "large" enough to grant the right to a hearing (行政处罚法 art. 63). The amounts are
/// set by rule per level and province, so they are configuration; the defaults are those of SAMR's
/// 《市场监督管理行政处罚听证办法》 art. 5: fines of 10,000 for a natural person or 100,000 for an organisation, and
/// confiscations of the same values.
/// </summary>
public sealed record HearingThresholds(Money NaturalPersonFine, Money OrganisationFine, Money NaturalPersonConfiscation, Money OrganisationConfiscation)
{
    /// <summary>SAMR's national thresholds.</summary>
    public static HearingThresholds SamrDefault { get; } = new(
        Money.FromYuan(10_000), Money.FromYuan(100_000), Money.FromYuan(10_000), Money.FromYuan(100_000));

    /// <summary>True when the proposal reaches a threshold for a party of <paramref name="kind"/>.</summary>
    public bool Reached(PartyKind kind, IEnumerable<PenaltyItem> proposal)
    {
        var items = proposal.ToList();
        var confiscated = items.ConfiscatedGains() + Money.Sum(items
            .Where(i => i.Kind == PenaltyItemKind.ConfiscationOfGoods).Select(i => i.Amount ?? Money.Zero));
        return kind == PartyKind.NaturalPerson
            ? items.Fines() >= NaturalPersonFine || confiscated >= NaturalPersonConfiscation
            : items.Fines() >= OrganisationFine || confiscated >= OrganisationConfiscation;
    }
}
