using Ledger.Domain.Law;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

// The advance notice (行政处罚法第四十四条) and the party's answers to it: a statement, a written waiver, a hearing request (第四十五、六十三、六十四条).
public static partial class CaseModel
{
    private static CaseEvent AdvanceNoticeEvent(CaseState state, ServeAdvanceNotice c, DecisionContext context)
    {
        if (state.Handlers.Count < 2)
            throw Refuse("case", "at least two certified officers must handle the case before it is notified (行政处罚法第四十二条)");
        var items = ValidItems(c.ProposedItems, "proposed_items", state, context.FineRules);
        if (!items.Any(i => i.IsPenalty()))
            throw Refuse("proposed_items", "an advance notice proposes at least one penalty (行政处罚法第四十四条)");
        var hearing = context.HearingThresholds.Reached(state.Party!.Kind, items);
        // "Five days" in the law are working days (行政处罚法第八十五条).
        var statementDue = context.Calendar.AddWorkingDays(c.On, 5).Date;
        return new CaseEvent.AdvanceNoticeServed(c.On, items, Bases(c.LegalBases, "legal_bases"), statementDue, hearing, hearing ? statementDue : null);
    }

    private static CaseEvent WaiveEvent(CaseState state, WaiveDefenceRights c)
    {
        if (state.Notice is null)
            throw Refuse("case", "the rights to state a defence and to a hearing follow an advance notice, and none has been served (行政处罚法第四十四条)");
        if (state.HearingPendingSince is { } since)
            throw Refuse("case", $"a hearing was requested on {since:yyyy-MM-dd}: the party withdraws the request (withdraw_hearing_request) rather than waiving a right it is using");
        if (state.Notice.WaivedOn is { } waived) throw Refuse("case", $"the party already waived these rights on {waived:yyyy-MM-dd}");
        return new CaseEvent.DefenceRightsWaived(c.On, Text(c.Summary, "summary"));
    }

    private static CaseEvent RequestHearingEvent(CaseState state, RequestHearing c)
    {
        if (state.Notice is null)
            throw Refuse("case", "a hearing is requested after the advance notice, and none has been served (行政处罚法第六十四条)");
        if (!state.Notice.HearingRightGranted)
            throw Refuse("case", "the proposed penalty does not reach the hearing threshold, so the notice granted no hearing; the party may state a defence (行政处罚法第六十三条)");
        if (state.HearingPendingSince is { } since) throw Refuse("case", $"a hearing request is already pending since {since:yyyy-MM-dd}");
        if (state.HearingHeldOn is { } held) throw Refuse("case", $"the hearing was already held on {held:yyyy-MM-dd}");
        return new CaseEvent.HearingRequested(c.On);
    }
}
