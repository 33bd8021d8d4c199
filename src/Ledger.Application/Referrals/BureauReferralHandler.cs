namespace Ledger.Application.Referrals;

/// <summary>Delivers a referral to the receiving bureau's inbox (the same database here; another bureau's database is
/// wired by routing the message to a transport of its own instead of the local durable queue).</summary>
public static class BureauReferralHandler
{
    public static Task HandleAsync(BureauReferral referral, BureauInbox inbox, CancellationToken ct) => inbox.ReceiveAsync(referral, ct);
}
