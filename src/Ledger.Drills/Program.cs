using System.CommandLine;
using Ledger.EventStore.Hosting;
using Spectre.Console;

namespace Ledger.Drills;

/// <summary>The ledger's drills, by name (ops/drill): 0 survived, 1 a check failed, 2 bad input. A class of its own, not
/// top-level statements: their generated <c>Program</c> would collide with the API's in the tests that reference both.</summary>
internal static class DrillProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
        var root = new RootCommand("Drills that break the ledger's machines on purpose and check what survives");

        var rounds = new Option<int>("--rounds") { Description = "Crashes to survive, one after another (default 100)", DefaultValueFactory = _ => 100 };
        var clients = new Option<int>("--clients") { Description = "Clients writing through the API (default 16)", DefaultValueFactory = _ => 16 };
        var folder = new Option<string?>("--folder") { Description = "Where the drill's clusters live (default .ledger/clusters/drill-<pid>); deleted afterwards unless --keep" };
        var keep = new Option<bool>("--keep") { Description = "Keep the clusters and the signing key afterwards" };
        var seed = new Option<int>("--seed") { Description = "Seed of the random crash moments (default: the time)", DefaultValueFactory = _ => Environment.TickCount };
        var failover = new Command("failover",
            "Kill -9 the primary's postmaster under load at a random moment, promote its synchronous standby, point the ledger at it, and check: " +
            "every acknowledged write there once, the writes in doubt recorded once after their retry, ledger verify clean against the last published checkpoint")
        {
            rounds, clients, folder, keep, seed,
        };
        failover.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(rounds) is < 1 or > 100_000) return Refuse($"--rounds: 1 to 100000 (got {parse.GetValue(rounds)})");
            if (parse.GetValue(clients) is < 1 or > 256) return Refuse($"--clients: 1 to 256 (got {parse.GetValue(clients)})");
            var place = Path.GetFullPath(parse.GetValue(folder) ?? Path.Combine(LedgerDatabase.Home(), "clusters", $"drill-{Environment.ProcessId}"));
            if (Directory.Exists(place) && Directory.EnumerateFileSystemEntries(place).Any()) return Refuse($"--folder: {place} is not empty; give a new folder");
            var options = new FailoverDrillOptions(parse.GetValue(rounds), parse.GetValue(clients), place,
                (TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(2_000)), parse.GetValue(seed));
            AnsiConsole.MarkupLine($"[bold]drill failover[/] {options.Rounds} rounds, {options.Clients} clients, seed {options.Seed}, in {Markup.Escape(place)}");
            IReadOnlyList<FailoverRound> results;
            try
            {
                results = await new FailoverDrill(options, message => Console.Error.WriteLine(message)).RunAsync(round =>
                {
                    Console.Out.WriteLine($"round {round.Round}: {round.Acknowledged} writes acknowledged ({round.InDoubt} in doubt, {round.InDoubtCommitted} of them " +
                                          $"committed before the crash), failover {round.Failover.TotalMilliseconds:0} ms, {round.Events} events, " +
                                          $"published checkpoint {round.PublishedSize}: {(round.Ok ? "ok" : "FAILED")}");
                    foreach (var problem in round.Problems.Take(20)) Console.Out.WriteLine($"  {problem}");
                }, ct);
            }
            finally
            {
                if (!parse.GetValue(keep) && Directory.Exists(place)) Directory.Delete(place, recursive: true);
            }
            var failovers = results.Select(r => r.Failover.TotalMilliseconds).Order().ToArray();
            var table = new Table().AddColumns("rounds", "acknowledged", "in doubt", "committed before the crash", "lost", "duplicated", "rounds with problems",
                "failover p50 ms", "failover max ms");
            table.AddRow($"{results.Count}", $"{results.Sum(r => r.Acknowledged):N0}", $"{results.Sum(r => r.InDoubt):N0}", $"{results.Sum(r => r.InDoubtCommitted):N0}",
                $"{results.Sum(r => r.Lost)}", $"{results.Sum(r => r.Duplicated)}", $"{results.Count(r => !r.Ok)}",
                $"{failovers[failovers.Length / 2]:0}", $"{failovers[^1]:0}");
            AnsiConsole.Write(table);
            return results.Count == options.Rounds && results.All(r => r.Ok) ? 0 : 1;
        });
        root.Subcommands.Add(failover);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
            return 2;
        }
        return await parsed.InvokeAsync();
    }

    private static int Refuse(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 2;
    }
}
