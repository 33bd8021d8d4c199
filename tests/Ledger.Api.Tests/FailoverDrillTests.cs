using Ledger.Drills;
using Ledger.EventStore.Hosting;

namespace Ledger.Api.Tests;

/// <summary>
/// The crash drill of <c>ops/drill failover</c>, two rounds: the primary's postmaster killed (SIGKILL) while 16 clients
/// write through the API, its synchronous standby promoted and the ledger pointed at it; then on the new primary every
/// acknowledged write is there exactly once, every write in doubt is recorded once after its retry, and the verifier
/// finds chains, log and checkpoints sound, the last checkpoint published before the crash a prefix of the new log. The
/// second round crashes the promoted primary, with its own new standby.
/// </summary>
public sealed class FailoverDrillTests
{
    [Fact]
    public async Task KillingThePrimaryUnderLoadAndPromotingItsSynchronousStandbyLosesAndDuplicatesNothing()
    {
        var folder = Path.Combine(LedgerDatabase.Home(), "clusters", "drill-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new FailoverDrillOptions(Rounds: 2, Clients: 16, folder, (TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1_000)), Seed: 2026)
        {
            MigrationsDirectory = Testing.TestServer.MigrationsDirectory,
        };
        try
        {
            var rounds = await new FailoverDrill(options, Console.Error.WriteLine).RunAsync();
            foreach (var round in rounds)
                Console.WriteLine($"round {round.Round}: {round.Acknowledged} acknowledged, {round.InDoubt} in doubt ({round.InDoubtCommitted} committed), " +
                                  $"failover {round.Failover.TotalMilliseconds:0} ms, published checkpoint {round.PublishedSize}");
            rounds.Count.ShouldBe(2);
            rounds.ShouldAllBe(round => round.Ok, string.Join("\n", rounds.SelectMany(r => r.Problems)));
            rounds.ShouldAllBe(round => round.Acknowledged > 0 && round.InDoubt > 0, "each crash came while the clients were writing");
            rounds.ShouldAllBe(round => round.PublishedSize > 0, "a checkpoint was published before each crash and held the new primary to it");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
