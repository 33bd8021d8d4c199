using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

// Service of the decision and payment: deferral, instalments, payments (行政处罚法第六十六、六十七条).
public static partial class CaseModel
{
    private static CaseEvent ServeEvent(CaseState state, ServeDecision c)
    {
        if (state.Decision is not { Kind: DecisionKind.Penalty or DecisionKind.NoPenalty } decision)
            throw Refuse("case", "only a penalty or no-penalty decision is served on the party");
        if (state.ServedOn is { } served) throw Refuse("case", $"the decision was already served on {served:yyyy-MM-dd}");
        if (c.On < decision.On) throw Refuse("on", $"a decision cannot be served ({c.On:yyyy-MM-dd}) before it was made ({decision.On:yyyy-MM-dd})");
        return new CaseEvent.DecisionServed(c.On, Text(c.Method, "method"));
    }

    private static void RequireMoneyOwed(CaseState state)
    {
        if (state.Decision is not { Kind: DecisionKind.Penalty, Revoked: false })
            throw Refuse("case", "there is no penalty decision in force to pay");
        if (state.ServedOn is null) throw Refuse("case", "the decision has not been served; payment runs from service (行政处罚法第六十七条)");
        if (state.AmountOutstanding == Money.Zero) throw Refuse("case", "nothing of the fines and confiscations remains to be paid");
    }

    private static CaseEvent DeferEvent(CaseState state, DeferPayment c, DecisionContext context)
    {
        RequireMoneyOwed(state);
        var due = CaseDeadlines.PaymentDueOn(state, context.Calendar)!.Value;
        if (c.NewDueOn <= due) throw Refuse("new_due_on", $"a deferral moves the due date ({due:yyyy-MM-dd}) later; got {c.NewDueOn:yyyy-MM-dd}");
        return new CaseEvent.PaymentDeferred(c.On, c.NewDueOn, Text(c.ApprovedBy, "approved_by"), Text(c.Reason, "reason"));
    }

    private static CaseEvent InstalmentsEvent(CaseState state, GrantInstalments c)
    {
        RequireMoneyOwed(state);
        var instalments = c.Instalments ?? [];
        if (instalments.Count < 2) throw Refuse("instalments", "an instalment plan has at least two instalments (行政处罚法第六十六条)");
        for (var i = 0; i < instalments.Count; i++)
        {
            if (instalments[i].Amount == Money.Zero) throw Refuse($"instalments[{i}].amount", "an instalment is more than zero");
            if (instalments[i].DueOn < c.On) throw Refuse($"instalments[{i}].due_on", "an instalment cannot fall due before the plan is granted");
            if (i > 0 && instalments[i].DueOn <= instalments[i - 1].DueOn) throw Refuse($"instalments[{i}].due_on", "instalments fall due in order, each after the one before");
        }
        var total = Money.Sum(instalments.Select(i => i.Amount));
        if (total != state.AmountOutstanding)
            throw Refuse("instalments", $"the instalments add up to {total} but {state.AmountOutstanding} is owed");
        return new CaseEvent.InstalmentsGranted(c.On, instalments, Text(c.ApprovedBy, "approved_by"));
    }

    private static CaseEvent PaymentEvent(CaseState state, RecordPayment c, DecisionContext context)
    {
        RequireMoneyOwed(state);
        if (c.Amount == Money.Zero) throw Refuse("amount", "a payment is more than zero");
        var surcharge = CaseDeadlines.LateSurcharge(state, context.Calendar, c.On);
        var owed = state.AmountOutstanding + surcharge;
        if (c.Amount > owed)
            throw Refuse("amount", $"{c.Amount} is more than is owed on {c.On:yyyy-MM-dd} ({state.AmountOutstanding} plus a late surcharge of {surcharge})");
        return new CaseEvent.PaymentReceived(c.On, c.Amount, Text(c.Reference, "reference"));
    }
}
