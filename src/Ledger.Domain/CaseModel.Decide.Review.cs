using Ledger.Domain.Law;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

// Reconsideration, lawsuits and the bureau's own correction of its decision (行政复议法; 行政诉讼法; 行政处罚法第七十五条).
public static partial class CaseModel
{
    private static CaseEvent ApplyForReviewEvent(CaseState state, ApplyForReview c)
    {
        if (state.Decision is not { Revoked: false } decision || decision.Kind is DecisionKind.Mediation or DecisionKind.DisputeWithdrawn)
            throw Refuse("case", "there is no decision in force to challenge");
        if (state.Reviews.Any(r => r.Kind == c.Kind && r.Outcome is null))
            throw Refuse("kind", $"a {SnakeCase.Of(c.Kind)} is already pending");
        if (c.Applicant == ReviewApplicant.Party && c.ApplicantName is not null)
            throw Refuse("applicant_name", "names a third party who brings the review; the party is the case's own");
        var name = c.Applicant == ReviewApplicant.Party ? null : Text(c.ApplicantName, "applicant_name");
        return new CaseEvent.ReviewApplied(c.On, c.Kind, Text(c.Body, "body"), c.Applicant, name);
    }

    private static CaseEvent ChangeOwnDecisionEvent(CaseState state, ChangeOwnDecision c, DecisionContext context)
    {
        if (state.Decision is not { Revoked: false } decision || decision.Kind is not (DecisionKind.Penalty or DecisionKind.NoPenalty))
            throw Refuse("case", "there is no penalty or no-penalty decision in force for the bureau to correct");
        if (c.Change is not (ReviewOutcome.Varied or ReviewOutcome.Revoked or ReviewOutcome.RevokedWithOrderToDecideAgain))
            throw Refuse("change", "the bureau varies its decision, revokes it, or revokes it to decide again (varied, revoked, revoked_with_order_to_decide_again)");
        var varied = c.VariedItems ?? [];
        if (c.Change == ReviewOutcome.Varied)
        {
            if (decision.Kind != DecisionKind.Penalty) throw Refuse("change", "only a penalty decision is varied; revoke a no-penalty decision to decide again");
            varied = WithOwnProvision(ValidItems(varied, "varied_items", state, context.FineRules), state, context.FineRules);
            if (varied.Count == 0) throw Refuse("varied_items", "a varied decision states the items that replace the original ones");
            if (varied.FinesAndConfiscations() > decision.Items.FinesAndConfiscations())
                throw Refuse("varied_items", "a correction may not make the penalty heavier; a heavier one needs a new notice and decision (revoked_with_order_to_decide_again)");
        }
        else if (varied.Count > 0)
            throw Refuse("varied_items", $"only a varied decision carries new items; this change is {SnakeCase.Of(c.Change)}");
        return new CaseEvent.DecisionChangedByBureau(c.On, c.Change, Text(c.Reason, "reason"),
            NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "the bureau's correction of its decision is approved by its head, not by a handler of the case"),
            varied);
    }

    /// <summary>Varied items that name no provision are under the case kind's own, when it has exactly one (as a decision's are).</summary>
    private static IReadOnlyList<PenaltyItem> WithOwnProvision(IReadOnlyList<PenaltyItem> items, CaseState state, FineRuleBook rules) =>
        rules.OwnFamilyOf(state.Kind) is { } own
            ? [.. items.Select(i => i.IsMoneyPaid() && i.Provision is null ? i with { Provision = own } : i)]
            : items;

    private static CaseEvent ConcludeReviewEvent(CaseState state, ConcludeReview c, DecisionContext context)
    {
        var pending = state.Reviews.LastOrDefault(r => r.Kind == c.Kind && r.Outcome is null)
            ?? throw Refuse("kind", $"no {SnakeCase.Of(c.Kind)} is pending on this case");
        if (c.On < pending.AppliedOn) throw Refuse("on", $"a review cannot end ({c.On:yyyy-MM-dd}) before it was applied for ({pending.AppliedOn:yyyy-MM-dd})");
        var reference = Text(c.Reference, "reference");
        var varied = c.VariedItems ?? [];
        if (c.Outcome == ReviewOutcome.Varied)
        {
            varied = WithOwnProvision(ValidItems(varied, "varied_items", state, context.FineRules), state, context.FineRules);
            if (varied.Count == 0) throw Refuse("varied_items", "a varied decision states the items that replace the original ones");
            var current = state.Decision!.Items.FinesAndConfiscations();
            if (varied.FinesAndConfiscations() > current)
                throw Refuse("varied_items", $"a review may not make the penalty heavier ({varied.FinesAndConfiscations()} > {current}) (行政复议法第六十三条第二款; 行政诉讼法第七十七条第二款)");
        }
        else if (varied.Count > 0)
            throw Refuse("varied_items", $"only a varied outcome carries new items; this outcome is {SnakeCase.Of(c.Outcome)}");
        return new CaseEvent.ReviewConcluded(c.On, c.Kind, c.Outcome, reference, varied);
    }
}
