using NodaTime;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

// The investigation: officers, goods held and how a hold ends (行政强制法第二十二至二十八条; 行政处罚法第五十六条), the amounts assessed, and the periods that do not count towards the time limits.
public static partial class CaseModel
{
    private static CaseEvent AssignOfficersEvent(CaseState state, AssignOfficers c)
    {
        var officers = Officers(state.Handlers, c.Officers);
        if (officers.Count == 0) throw Refuse("officers", "name at least one officer");
        return new CaseEvent.OfficersAssigned(c.On, officers);
    }

    private static IReadOnlyList<CaseEvent> ReleaseGoodsEvent(CaseState state, ReleaseGoods c)
    {
        var hold = OpenHold(state, c.MeasureId, c.On, "released");
        return [new CaseEvent.GoodsReleased(c.On, c.MeasureId, Text(c.Reason, "reason"))];
    }

    /// <summary>The hold <paramref name="measureId"/> while it still holds goods, checked against the date of what ends or extends it.</summary>
    private static GoodsHold OpenHold(CaseState state, string measureId, LocalDate on, string what)
    {
        var hold = state.Goods.FirstOrDefault(g => g.MeasureId == measureId)
            ?? throw Refuse("measure_id", $"no measure '{measureId}' is recorded on this case");
        if (hold.ReleasedOn is { } released) throw Refuse("measure_id", $"measure '{measureId}' was already released on {released:yyyy-MM-dd}");
        if (hold.EndedOn is { } ended) throw Refuse("measure_id", $"measure '{measureId}' already ended on {ended:yyyy-MM-dd} ({SnakeCase.Of(hold.Ending!.Value)})");
        if (on < hold.On) throw Refuse("on", $"goods cannot be {what} ({on:yyyy-MM-dd}) before they were held ({hold.On:yyyy-MM-dd})");
        return hold;
    }

    private static CaseEvent ExtendHoldEvent(CaseState state, ExtendGoodsHold c)
    {
        var hold = OpenHold(state, c.MeasureId, c.On, "held longer");
        if (hold.Measure == GoodsMeasure.RegisteredForPreservation)
            throw Refuse("measure_id", "先行登记保存 is dealt with within seven working days (行政处罚法第五十六条), never extended; seal or seize the goods instead");
        if (hold.ExtendedOn is { } extended)
            throw Refuse("measure_id", $"measure '{c.MeasureId}' was already extended on {extended:yyyy-MM-dd}; a sealing or seizure is extended once, by 30 days (行政强制法第二十五条)");
        return new CaseEvent.GoodsHoldExtended(c.On, c.MeasureId,
            NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "an extension is approved by the head of the bureau (行政强制法第二十五条), not by a handler of the case"),
            Text(c.Reason, "reason"));
    }

    private static CaseEvent EndHoldEvent(CaseState state, EndGoodsHold c)
    {
        var hold = OpenHold(state, c.MeasureId, c.On, "dealt with");
        switch (c.Ending)
        {
            case GoodsHoldEnding.Confiscated when state.Decision is not { Kind: DecisionKind.Penalty, Revoked: false } d
                                                 || !d.Items.Any(i => i.Kind == PenaltyItemKind.ConfiscationOfGoods):
                throw Refuse("ending", "goods are confiscated by a penalty decision in force that confiscates them (没收); none does on this case");
            case GoodsHoldEnding.Destroyed when state.Decision is not { Kind: DecisionKind.Penalty or DecisionKind.NoPenalty, Revoked: false }:
                throw Refuse("ending", "goods are destroyed as a decision in force orders; this case has none");
            case GoodsHoldEnding.TransferredWithCase when state.Decision is not { Kind: DecisionKind.Transfer }:
                throw Refuse("ending", "goods go with a transferred case; this case was not transferred");
            case GoodsHoldEnding.ConvertedToSealingOrSeizure when hold.Measure != GoodsMeasure.RegisteredForPreservation:
                throw Refuse("ending", "only goods registered for preservation (先行登记保存) are dealt with by sealing or seizing them");
        }
        if (state.Decision is { } decision && c.Ending != GoodsHoldEnding.ConvertedToSealingOrSeizure && c.On < decision.On)
            throw Refuse("on", $"end_goods_hold on {c.On:yyyy-MM-dd} cannot precede the decision of {decision.On:yyyy-MM-dd} it carries out");
        return new CaseEvent.GoodsHoldEnded(c.On, c.MeasureId, c.Ending, Text(c.Note, "note"));
    }

    private static CaseEvent AssessEvent(AssessAmounts c)
    {
        if (c.Turnover is null && c.GoodsValue is null && c.IllegalGains is null)
            throw Refuse("turnover", "assess at least one of turnover, goods_value and illegal_gains");
        foreach (var (a, field) in new[] { (c.Turnover, "turnover"), (c.GoodsValue, "goods_value"), (c.IllegalGains, "illegal_gains") })
            if (a is not null) Text(a.Method, $"{field}.method");
        return new CaseEvent.AmountsAssessed(c.On, c.Turnover, c.GoodsValue, c.IllegalGains);
    }

    private static CaseEvent StartExcludedEvent(CaseState state, StartExcludedPeriod c)
    {
        var name = ExcludedPeriod.NameOf(c.Kind);
        if (state.Status == CaseStatus.Lead && !ExcludedPeriod.ExcludedFromFiling(c.Kind))
            throw Refuse("kind", $"{name} does not stop the filing period (《市场监督管理行政处罚程序规定》第十八条 leaves out 检测、检验、检疫、鉴定 and 权利人辨认或者鉴别); it counts only after filing");
        if (state.ExcludedPeriods.FirstOrDefault(p => p.Kind == c.Kind && p.Until is null) is { } open)
            throw Refuse("kind", $"a period of {name} is already open since {open.From:yyyy-MM-dd}; end it (end_excluded_period) before starting another");
        return new CaseEvent.ExcludedPeriodStarted(c.On, c.Kind, Text(c.Description, "description"));
    }

    private static CaseEvent EndExcludedEvent(CaseState state, EndExcludedPeriod c)
    {
        var name = ExcludedPeriod.NameOf(c.Kind);
        var open = state.ExcludedPeriods.FirstOrDefault(p => p.Kind == c.Kind && p.Until is null)
            ?? throw Refuse("kind", $"no period of {name} is open on this case");
        if (c.On < open.From) throw Refuse("on", $"the period of {name} cannot end ({c.On:yyyy-MM-dd}) before it began ({open.From:yyyy-MM-dd})");
        return new CaseEvent.ExcludedPeriodEnded(c.On, c.Kind);
    }
}
