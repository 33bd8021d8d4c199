using Ledger.Domain.Law;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

// The decision: a penalty (each item under its provision and cap), no penalty, a transfer, and a case the police send back.
public static partial class CaseModel
{
    private static IReadOnlyList<PenaltyItem> ValidItems(IReadOnlyList<PenaltyItem>? items, string field, CaseState state, FineRuleBook rules, bool ordersOnly = false)
    {
        items ??= [];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var f = $"{field}[{i}]";
            if (ordersOnly && item.IsPenalty())
                throw Refuse(f, $"{SnakeCase.Of(item.Kind)} is a penalty; this record may only carry orders to stop or correct");
            if (item.IsMoneyPaid() && (item.Amount is null || item.Amount.Value == Money.Zero))
                throw Refuse($"{f}.amount", $"a {SnakeCase.Of(item.Kind)} states its amount, more than zero");
            if (item.Kind is PenaltyItemKind.Warning or PenaltyItemKind.OrderToStop or PenaltyItemKind.OrderToCorrect && item.Amount is not null)
                throw Refuse($"{f}.amount", $"a {SnakeCase.Of(item.Kind)} carries no amount");
            if (item.Provision is { } provision)
            {
                if (!item.IsMoneyPaid())
                    throw Refuse($"{f}.provision", $"names the provision a fine or a confiscation of gains is imposed under; a {SnakeCase.Of(item.Kind)} carries none");
                var allowed = rules.FamiliesFor(state.Kind).Concat(rules.GeneralFamilies()).ToList();
                if (!allowed.Contains(provision))
                    throw Refuse($"{f}.provision", $"'{provision}' is not a fine provision for {SnakeCase.Of(state.Kind)} cases; choose one of " +
                        string.Join(", ", allowed.Select(a => $"{a} ({rules.CitationOf(a)})")));
            }
        }
        // One decision may impose fines under several laws (the trademark law and, say, the product quality law), each
        // under its own cap; under one provision the fine is one amount.
        var fines = items.Select((item, index) => (item, index)).Where(x => x.item.Kind == PenaltyItemKind.Fine).ToList();
        if (fines.GroupBy(x => x.item.Provision ?? "").FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw Refuse($"{field}[{repeated.Last().index}].provision", repeated.Key.Length == 0
                ? "state the fine under the case's own provision as one item; a fine under another law names its provision (e.g. product-labelling)"
                : $"state the fine under {repeated.Key} as one item; fines under different laws each name their own provision");
        return items;
    }

    private static CaseEvent PoliceReturnEvent(CaseState state, RecordPoliceReturn c)
    {
        if (state.Decision is not { Kind: DecisionKind.Transfer, TransferTarget: TransferTarget.Police })
            throw Refuse("case", "only a case transferred to the police comes back from them (《行政执法机关移送涉嫌犯罪案件的规定》第九条)");
        return new CaseEvent.PoliceReturnedCase(c.On, c.Ground, Text(c.Agency, "agency"), Text(c.Reference, "reference"));
    }

    private static void CheckReadyToDecide(CaseState state, CaseCommand c)
    {
        switch (state.Status)
        {
            case CaseStatus.Lead or CaseStatus.NotFiled or CaseStatus.LeadTransferred:
                throw Refuse("case", $"no decision before the case is filed (立案, 行政处罚法第五十四条); {c.Name} refused");
            case CaseStatus.Suspended:
                throw Refuse("case", "the case is suspended; resume it before deciding");
            case CaseStatus.Decided:
                throw Refuse("case", $"the case was already decided on {state.Decision!.On:yyyy-MM-dd}; a new decision follows only a review that revoked it with an order to decide again");
        }
        if (state.HearingPendingSince is { } since)
            throw Refuse("case", $"a hearing was requested on {since:yyyy-MM-dd} and has not been held; no decision until it is (行政处罚法第六十四条)");
        if (state.Handlers.Count < 2)
            throw Refuse("case", "at least two certified officers must handle the case (行政处罚法第四十二条)");
    }

    private static CaseEvent DecidePenaltyEvent(CaseState state, DecidePenalty c, DecisionContext context)
    {
        CheckReadyToDecide(state, c);
        var approver = NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "a decision is approved by the head of the bureau, not by a handler of the case");
        var number = Text(c.DecisionNumber, "decision_number");
        var items = ValidItems(c.Items, "items", state, context.FineRules);
        if (!items.Any(i => i.IsPenalty()))
            throw Refuse("items", "a penalty decision imposes at least one penalty; with none, record decide_no_penalty");
        var bases = Bases(c.LegalBases, "legal_bases");

        var notice = state.Notice ?? throw Refuse("items",
            "no penalty without an advance notice stating the facts, the basis and the proposed penalty (行政处罚法第四十四条)");
        if (notice.HearingRightGranted && state.LegalReview is not { Approved: true })
            throw Refuse("case", "the proposed penalty reaches the hearing threshold, so the case needs an approving legal review (法制审核) before decision (行政处罚法第五十八条)");
        if (!notice.PartyHeardBy(c.On))
            throw Refuse("on", $"the party may state a defence{(notice.HearingRightGranted ? " and request a hearing" : "")} until {notice.StatementDueOn:yyyy-MM-dd} " +
                $"(five working days from the notice of {notice.On:yyyy-MM-dd}, 行政处罚法第四十五条{(notice.HearingRightGranted ? "、第六十四条" : "")}); no penalty may be decided before then " +
                "(第六十二条) unless the party was heard (record_statement_of_defence" + (notice.HearingRightGranted ? ", with any hearing held or withdrawn" : "") +
                ") or waived these rights in writing (waive_defence_rights)");
        var added = items.Where(i => i.IsPenalty()).Select(i => i.Kind).Except(notice.ProposedItems.Select(p => p.Kind)).ToList();
        if (added.Count > 0 || items.FinesAndConfiscations() > notice.ProposedItems.FinesAndConfiscations())
            throw Refuse("items", $"the decision may not be heavier than the penalty proposed in the advance notice of {notice.On:yyyy-MM-dd} ({notice.ProposedItems.FinesAndConfiscations()} proposed); serve a new notice (行政处罚法第四十五条)");

        if (state.InnocentSellerSupplier is { } supplier)
            throw Refuse("items", $"the party is an innocent seller who named the supplier ({supplier}): it is ordered to stop selling and not penalised (商标法第六十条第二款); record decide_no_penalty with ground innocent_seller");

        var gains = items.ConfiscatedGains();
        if (gains > Money.Zero)
        {
            var assessed = state.IllegalGains?.Amount ?? throw Refuse("items", "confiscating illegal gains needs the gains assessed first (assess_amounts)");
            if (gains > assessed)
                throw Refuse("items", $"confiscated gains {gains} exceed the illegal gains assessed ({assessed}) (行政处罚法第二十八条第二款)");
        }

        var mitigation = c.Mitigation is { } m ? m with { Ground = Text(m.Ground, "mitigation.ground") } : null;
        // Each fine is checked against the cap of the provision it is imposed under, and every money item records that
        // provision, so the totals can show 罚没金额 by legal basis.
        var ownProvision = items.Any(i => i.IsMoneyPaid() && i.Provision is null)
            ? OwnFineProvision(state, c, context.FineRules, required: items.Any(i => i.Kind == PenaltyItemKind.Fine && i.Provision is null))
            : null;
        var reasons = new List<string>();
        var decided = new List<PenaltyItem>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!item.IsMoneyPaid()) { decided.Add(item); continue; }
            var provision = item.Provision ?? ownProvision;
            if (item.Kind == PenaltyItemKind.Fine && provision is not null)
                reasons.Add(CheckFineCap(state, c, item.Amount!.Value, provision, $"items[{i}].amount", context.FineRules));
            decided.Add(item with { Provision = provision });
        }
        string? applied = reasons.Count == 0 ? null : string.Join("; ", reasons);
        if (mitigation is not null)
            applied = (applied is null ? "" : applied + "; ") + (mitigation.Kind == MitigationKind.Reduced ? "减轻处罚" : "从轻处罚") + ": " + mitigation.Ground;
        return new CaseEvent.PenaltyDecided(c.On, number, decided, bases, applied, approver, mitigation);
    }

    /// <summary>
    /// The case kind's own fine provision, which an item that names none is imposed under; null when the kind has none,
    /// or when it has several, none is named and no fine needs one (<paramref name="required"/>).
    /// </summary>
    private static string? OwnFineProvision(CaseState state, DecidePenalty c, FineRuleBook rules, bool required)
    {
        var families = rules.FamiliesFor(state.Kind);
        if (c.FineProvision is { } named)
            return families.Contains(named) ? named
                : throw Refuse("fine_provision", families.Count == 0
                    ? $"{SnakeCase.Of(state.Kind)} cases have no fine provision of their own; leave fine_provision out (a fine under another law names it on its item: items[i].provision)"
                    : $"'{named}' does not govern {SnakeCase.Of(state.Kind)} cases; choose {string.Join(" or ", families)}");
        return families.Count switch
        {
            0 => null,
            1 => families[0],
            _ when !required => null,
            _ => throw Refuse("fine_provision", $"{SnakeCase.Of(state.Kind)} cases have several fine provisions ({string.Join(", ", families)}); name the one applied"),
        };
    }

    private static string CheckFineCap(CaseState state, DecidePenalty c, Money fine, string family, string field, FineRuleBook rules)
    {
        var violationOn = state.ViolationOn ?? throw Refuse("violation_on",
            "the date of the violation decides the applicable law (行政处罚法第三十七条); record it (correct_case_details) before deciding a fine");
        var applicable = rules.Resolve(family, violationOn, c.On, state.Turnover?.Amount, state.IllegalGains?.Amount, state.GoodsValue?.Amount)
            ?? throw Refuse(field, $"no version of {family} was in force on {violationOn:yyyy-MM-dd} or on {c.On:yyyy-MM-dd}");
        if (fine > applicable.Cap)
            throw Refuse(field, $"the fine {fine} exceeds the cap of {applicable.Cap}: {applicable.Explanation}");
        // 减轻处罚 goes below the statutory range (行政处罚法第三十条至第三十二条); 从轻 stays within it.
        if (fine < applicable.Minimum && c.Mitigation?.Kind != MitigationKind.Reduced)
            throw Refuse(field, $"the fine {fine} is below the statutory minimum of {applicable.Minimum} ({applicable.Rule.Citation}); " +
                "a fine below it is 减轻处罚 and names its ground (mitigation: {\"kind\": \"reduced\", \"ground\": …}, 行政处罚法第三十二条)");
        return applicable.Explanation;
    }

    private static CaseEvent DecideNoPenaltyEvent(CaseState state, DecideNoPenalty c, DecisionContext context)
    {
        CheckReadyToDecide(state, c);
        var approver = NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "a decision is approved by the head of the bureau, not by a handler of the case");
        var orders = ValidItems(c.Orders, "orders", state, context.FineRules, ordersOnly: true);
        var bases = Bases(c.LegalBases, "legal_bases");
        if (c.Ground == NoPenaltyGround.InnocentSeller)
        {
            if (state.InnocentSellerSupplier is null)
                throw Refuse("ground", "record establish_innocent_seller first: lawful acquisition proved and the supplier named (商标法第六十条第二款)");
            if (orders.All(o => o.Kind != PenaltyItemKind.OrderToStop))
                throw Refuse("orders", "the innocent seller is ordered to stop selling (商标法第六十条第二款); add an order_to_stop");
        }
        return new CaseEvent.NoPenaltyDecided(c.On, c.DecisionNumber?.Trim() is { Length: > 0 } n ? n : null, c.Ground, orders, bases, approver);
    }

    private static CaseEvent TransferEvent(CaseState state, TransferCase c)
    {
        RegionCode? region = null;
        string? agency = null;
        switch (c.Target)
        {
            case TransferTarget.OtherRegionBureau:
                region = OtherRegion(state, c.TargetRegion, "target_region");
                break;
            case TransferTarget.OtherAgency:
                agency = Text(c.TargetAgency, "target_agency");
                break;
            case TransferTarget.Police:
                agency = c.TargetAgency?.Trim() is { Length: > 0 } a ? a : null;
                region = c.TargetRegion;
                break;
        }
        return new CaseEvent.CaseTransferred(c.On, c.Target, region, agency, Text(c.Reason, "reason"), Text(c.ApprovedBy, "approved_by"));
    }
}
