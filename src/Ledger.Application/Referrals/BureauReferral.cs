using Ledger.Domain;
using NodaTime;

namespace Ledger.Application.Referrals;

/// <summary>
/// The integration message a referral sends (<see cref="BureauReferrals"/>): which event of which case sent it, from
/// which region to which bureau or agency, when and what. The event id names it: however often it is delivered, the
/// receiving inbox holds it once.
/// </summary>
[Wolverine.Attributes.MessageIdentity("bureau_referral", Version = 1)]
public sealed record BureauReferral(
    Guid EventId, ReferralKind Kind, string CaseId, RegionCode FromRegion, RegionCode ToRegion, string? ToAgency, LocalDate On, string Summary)
{
    /// <summary>The referral an event of <paramref name="caseId"/> (of <paramref name="fromRegion"/>) makes, if any. A
    /// transfer to the police or another organ without a region goes to that organ at the bureau's own level.</summary>
    public static BureauReferral? Of(Guid eventId, CaseEvent @event, string caseId, RegionCode? fromRegion) =>
        fromRegion is not null && BureauReferrals.Of(@event) is { } referral
            ? new BureauReferral(eventId, referral.Kind, caseId, fromRegion, referral.ToRegion ?? fromRegion, referral.ToAgency, referral.On, referral.Summary)
            : null;
}
