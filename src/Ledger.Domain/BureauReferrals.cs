using NodaTime;

namespace Ledger.Domain;

/// <summary>What another authority is sent when a case leaves the bureau or reaches beyond it.</summary>
public enum ReferralKind
{
    /// <summary>异地移送: a lead outside the bureau's jurisdiction, transferred to the bureau that has it.</summary>
    LeadTransferred,
    /// <summary>线索移送: a lead arising from the case (the supplier of an innocent seller) referred to the bureau of its region.</summary>
    RelatedLeadReferred,
    /// <summary>联合办案: the bureau of another region invited to handle the case jointly.</summary>
    JointHandlingInvited,
    /// <summary>A filed case transferred to the bureau of the region that has jurisdiction.</summary>
    CaseTransferred,
    /// <summary>行刑衔接: a suspected crime transferred to the public security organ (行政处罚法第二十七条).</summary>
    PoliceTransfer,
    /// <summary>A case transferred to another administrative organ (customs, culture and tourism, …).</summary>
    AgencyTransfer,
}

/// <summary>One referral: to which region's bureau (or which agency), when, and what it says.</summary>
public sealed record Referral(ReferralKind Kind, RegionCode? ToRegion, string? ToAgency, LocalDate On, string Summary);

/// <summary>The events that send something to another authority, and what they send.</summary>
public static class BureauReferrals
{
    /// <summary>The referral <paramref name="event"/> sends, or null when it sends none.</summary>
    public static Referral? Of(CaseEvent @event) => @event switch
    {
        CaseEvent.LeadTransferred e => new(ReferralKind.LeadTransferred, e.TargetRegion, null, e.On, e.Reason),
        CaseEvent.RelatedLeadReferred e => new(ReferralKind.RelatedLeadReferred, e.TargetRegion, null, e.On, e.Summary),
        CaseEvent.JointHandlingAgreed e => new(ReferralKind.JointHandlingInvited, e.PartnerRegion, null, e.On, e.Summary),
        CaseEvent.CaseTransferred e => new(e.Target switch
        {
            TransferTarget.OtherRegionBureau => ReferralKind.CaseTransferred,
            TransferTarget.Police => ReferralKind.PoliceTransfer,
            _ => ReferralKind.AgencyTransfer,
        }, e.TargetRegion, e.TargetAgency, e.On, e.Reason),
        _ => null,
    };
}
