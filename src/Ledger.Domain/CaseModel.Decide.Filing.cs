using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

// A lead and its filing (立案, 行政处罚法第五十四条): the lead registered; not filing it, transferring it, extending the filing period and filing are decided in the switch of CaseModel.Decide.cs.
public static partial class CaseModel
{
    private static CaseEvent.LeadRegistered RegisterLeadEvent(RegisterLead c)
    {
        if (c.Kind == CaseKind.PatentInfringementDispute)
            throw Refuse("kind", "a patent infringement dispute starts with request_dispute (专利法第六十五条), not with a lead");
        if (c.Region is null) throw Refuse("region", "is required");
        if (c.Region.NotInForceOn(c.On) is { } replaced) throw Refuse("region", replaced);
        if (c.ViolationOn is { } v && v > c.On)
            throw Refuse("violation_on", $"the violation ({v:yyyy-MM-dd}) cannot come after the lead that reports it ({c.On:yyyy-MM-dd})");
        return new CaseEvent.LeadRegistered(c.On, c.Source, Text(c.Summary, "summary"), c.Region, c.Kind, ValidParty(c.Party, "party"),
            ValidRight(c.Right, "right"), c.ViolationOn, Flags(c.Flags, "flags"), Campaigns(c.Campaigns, "campaigns"));
    }
}
