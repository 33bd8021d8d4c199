using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

// Closing a case (结案), correcting its particulars, and voiding a step recorded wrongly.
public static partial class CaseModel
{
    private static CaseEvent CloseEvent(CaseState state, CloseCase c)
    {
        // A closed case holds no goods: each hold ended by release, confiscation, destruction or transfer (行政强制法第二十八条).
        if (state.Goods.FirstOrDefault(g => g.ReleasedOn is null && g.EndedOn is null) is { } open)
            throw Refuse("case", $"goods are still held under measure '{open.MeasureId}' (since {open.On:yyyy-MM-dd}); release them (release_goods) or record how the hold ended (end_goods_hold) before closing");
        var d = state.Decision!;
        var summary = Text(c.Summary, "summary");
        string? mismatch = c.Ground switch
        {
            ClosingGround.Executed when d.Kind != DecisionKind.Penalty || d.Revoked => "only a penalty decision in force is executed",
            ClosingGround.Executed when state.ServedOn is null => "the decision has not been served",
            ClosingGround.Executed when state.AmountOutstanding > Money.Zero =>
                $"a penalty is executed only when the fines and confiscations are paid in full ({state.AmountOutstanding} outstanding)",
            ClosingGround.NoPenalty when d.Kind != DecisionKind.NoPenalty => "the decision is not a no-penalty decision",
            ClosingGround.NoPenalty when state.ServedOn is null => "the decision has not been served",
            ClosingGround.Transferred when d.Kind != DecisionKind.Transfer => "the case was not transferred",
            ClosingGround.FilingWithdrawn when d.Kind != DecisionKind.FilingWithdrawn => "the filing was not withdrawn",
            ClosingGround.EnforcementEnded when d.Kind != DecisionKind.Penalty => "enforcement ends only for a penalty decision",
            ClosingGround.DisputeConcluded when d.Kind is not (DecisionKind.Adjudication or DecisionKind.Mediation or DecisionKind.DisputeWithdrawn) =>
                "only a patent dispute is concluded by adjudication, mediation or withdrawal",
            _ => null,
        };
        if (mismatch is not null) throw Refuse("ground", $"cannot close as {SnakeCase.Of(c.Ground)}: {mismatch}");
        return new CaseEvent.CaseClosed(c.On, c.Ground, summary);
    }

    /// <summary>
    /// A step recorded wrongly is voided by a new event, never edited. Every later step was decided on the case as that
    /// step left it, and the ledger cannot tell which of them would still hold without it: so the steps after it are
    /// voided first, latest first, and what still stands is recorded again with its right date.
    /// </summary>
    private static CaseEvent VoidEvent(CaseState state, VoidStep c)
    {
        var steps = state.Steps ?? throw new InvalidOperationException("a void is decided on a case folded with its history");
        if (c.Version < 1 || c.Version > steps.Count)
            throw Refuse("version", $"this case has steps 1 to {steps.Count}; there is no step {c.Version}");
        var step = steps[(int)c.Version - 1];
        if (c.Version == 1)
            throw Refuse("version", "step 1 starts the case: a lead recorded by mistake is not filed (decide_not_to_file), and its particulars are corrected (correct_case_details)");
        if (step is CaseEvent.StepVoided)
            throw Refuse("version", $"step {c.Version} is itself a void; a step voided by mistake is recorded again");
        if (state.VoidedVersions.Contains(c.Version))
            throw Refuse("version", $"step {c.Version} is already voided");
        var later = Enumerable.Range((int)c.Version + 1, steps.Count - (int)c.Version)
            .Where(v => steps[v - 1] is not CaseEvent.StepVoided && !state.VoidedVersions.Contains(v)).ToList();
        if (later.Count > 0)
        {
            var latest = steps[later[^1] - 1];
            throw Refuse("version", $"{later.Count} later step{(later.Count == 1 ? "" : "s")} ({string.Join(", ", later)}) were recorded on the case as step {c.Version} left it; " +
                $"void them first, latest first (step {later[^1]}, {SnakeCase.Of(latest.GetType().Name)} of {latest.On:yyyy-MM-dd}), then record again what still stands");
        }
        return new CaseEvent.StepVoided(c.On, c.Version, SnakeCase.Of(step.GetType().Name), step.On, Text(c.Reason, "reason"),
            NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "voiding a recorded step is approved by the head of the bureau, not by a handler of the case"));
    }

    private static CaseEvent CorrectEvent(CaseState state, CorrectCaseDetails c)
    {
        var reason = Text(c.Reason, "reason");
        if (c.Kind is null && c.Region is null && c.Party is null && c.Right is null && c.ViolationOn is null && c.Flags is null && c.Campaigns is null)
            throw Refuse("reason", "a correction changes at least one particular");
        if (c.Kind is { } kind && (kind == CaseKind.PatentInfringementDispute) != (state.Procedure == Procedure.PatentDispute))
            throw Refuse("kind", "a correction cannot turn a penalty case into a patent dispute or back; they follow different procedures");
        if (c.ViolationOn is { } v && state.LeadOn is { } lead && v > lead)
            throw Refuse("violation_on", $"the violation ({v:yyyy-MM-dd}) cannot come after the lead that reports it ({lead:yyyy-MM-dd})");
        return new CaseEvent.CaseDetailsCorrected(c.On, reason, c.Kind, c.Region, c.Party is null ? null : ValidParty(c.Party, "party"),
            ValidRight(c.Right, "right"), c.ViolationOn, c.Flags is null ? null : Flags(c.Flags, "flags"), c.Campaigns is null ? null : Campaigns(c.Campaigns, "campaigns"));
    }
}
