using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

// Patent infringement disputes (专利法第六十五条): the request that starts one; the other steps are decided in the switch of CaseModel.Decide.cs.
public static partial class CaseModel
{
    private static CaseEvent.DisputeRequested RequestDisputeEvent(RequestDispute c)
    {
        if (c.Region is null) throw Refuse("region", "is required");
        if (c.Region.NotInForceOn(c.On) is { } replaced) throw Refuse("region", replaced);
        var patent = ValidRight(c.Patent, "patent") ?? throw Refuse("patent", "is required");
        if (patent.Kind is not (RightKind.InventionPatent or RightKind.UtilityModelPatent or RightKind.DesignPatent))
            throw Refuse("patent.kind", "a patent infringement dispute concerns an invention, utility model or design patent");
        return new CaseEvent.DisputeRequested(c.On, c.Region, ValidParty(c.Requester, "requester"), ValidParty(c.Respondent, "respondent"),
            patent, Text(c.Summary, "summary"), Flags(c.Flags, "flags"), Campaigns(c.Campaigns, "campaigns"));
    }
}
