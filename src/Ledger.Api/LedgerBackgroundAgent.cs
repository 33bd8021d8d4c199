using Wolverine.Runtime.Agents;

namespace Ledger.Api;

/// <summary>
/// The background work (<see cref="LedgerBackgroundWork"/>: the totals projection, the log integrator, checkpoint
/// signing) as a Wolverine agent that runs on exactly one `ledger serve` node of a database at a time. Wolverine's leader,
/// elected over PostgreSQL among the nodes that share the database, assigns it to one node and moves it to another when
/// that node stops (at once) or stops answering its health checks (a killed node: after
/// <see cref="Application.Messaging.LedgerMessaging.StaleNodeTimeout"/>). The work itself never needed the guarantee for
/// correctness — the projection takes turns on its checkpoint row and the integrator holds an advisory lock, so two
/// nodes never apply an event twice or skip one — but one node doing it is what an operator expects to see, and the
/// others spend nothing on it.
/// Deadline reminders and referrals are Wolverine's own durable messages: its durability agent, assigned the same way,
/// polls them on one node.
/// </summary>
public sealed class LedgerBackgroundAgent(LedgerBackgroundWork work) : SingularAgent(SchemeName)
{
    public const string SchemeName = "ledger-background";

    protected override Task startAsync(CancellationToken cancellationToken) => work.StartAsync(cancellationToken);

    protected override Task stopAsync(CancellationToken cancellationToken) => work.StopAsync(cancellationToken);
}
