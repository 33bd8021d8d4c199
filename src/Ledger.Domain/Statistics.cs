using NodaTime;

namespace Ledger.Domain;

/// <summary>
/// 统计口径: which date puts a case into a period. Official tables count filed (立案) and closed (结案) cases
/// separately; press figures ("查处商标侵权案287件") usually count closed cases. Every figure states its caliber.
/// </summary>
public enum Caliber
{
    /// <summary>By the date of filing (立案) or, for a dispute, of acceptance (受理).</summary>
    Filed,
    /// <summary>By the date of the decision as it now stands (处罚、不予处罚、移送、撤销立案、裁决、调解).</summary>
    Decided,
    /// <summary>By the date of closing (结案). The default.</summary>
    Closed,
}

/// <summary>
/// What one case adds to the penalty statistics as its events make it: where and what it is counted as, the dates
/// that place it in a period under each caliber, and its amounts. A case is counted under a caliber only once it
/// has that date; leads never filed are not counted at all. Transferred cases are counted once, where they were
/// filed (the receiving bureau counts its own filing), and transfers to the police are counted separately.
/// </summary>
public sealed record CaseContribution(
    RegionCode Region,
    CaseKind Kind,
    IReadOnlyList<string> Flags,
    IReadOnlyList<string> Campaigns,
    LocalDate? FiledOn,
    LocalDate? DecidedOn,
    LocalDate? ClosedOn,
    Money CaseValue,
    Money Fines,
    Money Confiscations,
    bool TransferredToPolice,
    IReadOnlyList<ProvisionAmounts> ByProvision)
{
    /// <summary>The contribution of <paramref name="state"/>, or null when the case is counted under no caliber.</summary>
    public static CaseContribution? Of(CaseState state)
    {
        if (state.Region is null || state.FiledOn is null) return null;
        var decision = state.Decision;
        // Amounts as the decision now stands: a review that varied it replaces the items, one that revoked it
        // leaves nothing to collect (罚没金额 counts what is imposed, not what is paid).
        var items = decision is { Kind: DecisionKind.Penalty, Revoked: false } ? decision.Items : [];
        return new CaseContribution(
            state.Region,
            state.Kind,
            [.. state.Flags.Distinct().Order(StringComparer.Ordinal)],
            [.. state.Campaigns.Distinct().Order(StringComparer.Ordinal)],
            state.FiledOn,
            // A revoked decision no longer counts as one: the case leaves the decided figures until a new decision.
            decision is { Revoked: false } ? decision.On : null,
            state.ClosedOn,
            state.CaseValue,
            items.Fines(),
            items.ConfiscatedGains(),
            decision is { Kind: DecisionKind.Transfer, TransferTarget: TransferTarget.Police },
            // 罚没金额 counts every fine and confiscation of the case whatever law imposed it (罚没收入: 罚款、没收款); the
            // breakdown by provision shows how it divides. Items decided before decisions named their provision count
            // under the kind's own provision when it has one.
            items.ByProvision(Law.FineRuleBook.China.OwnFamilyOf(state.Kind) ?? ProvisionAmounts.Unstated));
    }

    /// <summary>The date that places the case in a period under <paramref name="caliber"/>, if it has one yet.</summary>
    public LocalDate? DateFor(Caliber caliber) => caliber switch
    {
        Caliber.Filed => FiledOn,
        Caliber.Decided => DecidedOn,
        _ => ClosedOn,
    };

    /// <summary>
    /// True when the case counts the same under <paramref name="caliber"/> in both contributions: same period date,
    /// region, kind, flags, campaigns and amounts. (Records compare lists by reference, hence this method.)
    /// </summary>
    public static bool SameUnder(Caliber caliber, CaseContribution? a, CaseContribution? b)
    {
        var dateA = a?.DateFor(caliber);
        var dateB = b?.DateFor(caliber);
        if (dateA is null || dateB is null) return dateA is null && dateB is null;
        return dateA == dateB && a!.Region == b!.Region && a.Kind == b.Kind
            && a.Flags.SequenceEqual(b.Flags) && a.Campaigns.SequenceEqual(b.Campaigns)
            && a.CaseValue == b.CaseValue && a.Fines == b.Fines && a.Confiscations == b.Confiscations
            && a.TransferredToPolice == b.TransferredToPolice && a.ByProvision.SequenceEqual(b.ByProvision);
    }
}

/// <summary>The statistics rows of <see cref="CaseKind"/> and the groups officials ask for by one word.</summary>
public static class CaseKinds
{
    /// <summary>商标 — every trademark row of the table.</summary>
    public static readonly IReadOnlyList<CaseKind> Trademark =
        [CaseKind.TrademarkInfringement, CaseKind.GeographicalIndication, CaseKind.OfficialOrSpecialMark, CaseKind.TrademarkAgency, CaseKind.OtherTrademark];

    /// <summary>专利 — every patent row, disputes included.</summary>
    public static readonly IReadOnlyList<CaseKind> Patent =
        [CaseKind.PatentCounterfeiting, CaseKind.PatentAgency, CaseKind.OtherPatent, CaseKind.PatentInfringementDispute];

    /// <summary>A comma-separated list of kinds and groups ("trademark,patent_agency"), each checked as <see cref="Parse"/> does.</summary>
    public static IReadOnlyList<CaseKind> ParseList(string text, string field = "kind") =>
        [.. text.Split(',').SelectMany(k => Parse(k, field)).Distinct()];

    /// <summary>The row's name in the official table, after its snake-case key: "trademark_infringement 商标侵权假冒".</summary>
    public static string Label(string key) => key + (key switch
    {
        "trademark_infringement" => " 商标侵权假冒",
        "geographical_indication" => " 地理标志",
        "official_or_special_mark" => " 官方标志/特殊标志/奥林匹克标志",
        "trademark_agency" => " 商标代理违法",
        "other_trademark" => " 其他商标违法",
        "patent_counterfeiting" => " 假冒专利",
        "patent_agency" => " 专利代理违法",
        "other_patent" => " 其他专利违法",
        "patent_infringement_dispute" => " 专利侵权纠纷",
        _ => "",
    });

    /// <summary>
    /// Parses "trademark_infringement" (or with hyphens), or the groups "trademark" and "patent"; unknown words name
    /// <paramref name="field"/> and list what is accepted.
    /// </summary>
    public static IReadOnlyList<CaseKind> Parse(string text, string field = "kind")
    {
        var word = text.Trim().Replace('-', '_').ToLowerInvariant();
        if (word == "trademark") return Trademark;
        if (word == "patent") return Patent;
        foreach (var kind in Enum.GetValues<CaseKind>())
            if (SnakeCase.Of(kind) == word) return [kind];
        throw new DomainRuleViolation(field,
            $"'{text}' is not a case kind; use trademark, patent or one of {string.Join(", ", Enum.GetValues<CaseKind>().Select(k => SnakeCase.Of(k)))}");
    }
}
