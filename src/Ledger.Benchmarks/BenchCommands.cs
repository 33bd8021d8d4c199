using System.CommandLine;
using Ledger.Cli;

namespace Ledger.Benchmarks;

/// <summary>
/// Benchmarks. Every figure is a ratio to a baseline measured in the same run on the same cluster, so the
/// machine's speed (and its fsync cost: commits are durable) cancels out.
/// </summary>
public static class BenchCommands
{
    /// <summary>The benchmarks, each a subcommand of <c>ledger-bench</c> (<c>ops/bench</c>).</summary>
    public static RootCommand Create()
    {
        var bench = new RootCommand("The ledger's benchmarks: each measures the ledger beside a baseline in the same run, on the same cluster");
        bench.Options.Add(CliOptions.Connection);
        var scale = new Option<double>("--scale")
        {
            Description = "Multiply the number of operations (1 = about a minute on 2 cores)",
            DefaultValueFactory = _ => 1.0,
        };
        var append = new Command("append", "Append, read-fold and racing-writer throughput of the ledger beside bare Marten and a plain INSERT/SELECT of the same row shape");
        append.Options.Add(scale);
        append.SetAction((parse, ct) => LedgerCli.RunAsync(() => AppendBenchmark.RunAsync(parse, parse.GetValue(scale), ct)));
        bench.Subcommands.Add(append);

        var events = new Option<long>("--events") { Description = "Events to simulate and load (default 10,000,000)", DefaultValueFactory = _ => 10_000_000 };
        var runs = new Option<int>("--runs") { Description = "Timed runs of each ledger query (default 200)", DefaultValueFactory = _ => 200 };
        var baselineRuns = new Option<int>("--baseline-runs") { Description = "Timed runs of each plain GROUP BY (default 3)", DefaultValueFactory = _ => 3 };
        var keep = new Option<bool>("--keep") { Description = "Keep the benchmark database and reuse its events next time (no load measured then)" };
        var loader = new Option<string>("--loader")
        {
            Description = "How the simulated events are loaded: marten (Marten's bulk import, with the case view; default) or copy (binary COPY into Marten's " +
                          "tables, every row still hashed and checked by the database; no case view: for tens of millions of events)",
            DefaultValueFactory = _ => "marten",
        };
        loader.AcceptOnlyFromAmong("marten", "copy");
        var totals = new Command("totals", "Load ten years of simulated cases, rebuild the totals projection, time totals queries against a plain GROUP BY")
        {
            events, runs, baselineRuns, keep, loader,
        };
        totals.SetAction((parse, ct) => LedgerCli.RunAsync(() => TotalsBenchmark.RunAsync(parse, parse.GetValue(events), parse.GetValue(runs), parse.GetValue(baselineRuns),
            parse.GetValue(keep), parse.GetValue(loader) == "copy", ct)));
        bench.Subcommands.Add(totals);

        var actions = new Option<int>("--actions") { Description = "Actions in the file (default 100,000)", DefaultValueFactory = _ => 100_000 };
        var baselineActions = new Option<int>("--baseline-actions") { Description = "Actions handled one by one for the baseline (default 5,000)", DefaultValueFactory = _ => 5_000 };
        var parallel = new Option<int>("--parallel") { Description = "Cases written at once, by the import and the baseline (default 4)", DefaultValueFactory = _ => 4 };
        var import = new Command("import", "Import a JSON Lines file of simulated case actions; compare with handling each action on its own")
        {
            actions, baselineActions, parallel,
        };
        import.SetAction((parse, ct) => LedgerCli.RunAsync(() => ImportBenchmark.RunAsync(parse, parse.GetValue(actions), parse.GetValue(baselineActions), parse.GetValue(parallel), ct)));
        bench.Subcommands.Add(import);

        var logEvents = new Option<long>("--events") { Description = "Events in the log (default 10,000,000)", DefaultValueFactory = _ => 10_000_000 };
        var verifyEvents = new Option<long>("--verify-events") { Description = "Events `ledger verify` is timed over (default 1,000,000)", DefaultValueFactory = _ => 1_000_000 };
        var proofs = new Option<int>("--proofs") { Description = "Proofs of each kind timed (default 2,000)", DefaultValueFactory = _ => 2_000 };
        var keepLog = new Option<bool>("--keep") { Description = "Keep the benchmark database; a later run reuses its events and leaves (their load and integration are then not measured)" };
        var logBench = new Command("log", "Leaf integration rate, ledger verify time and proof latency at millions of leaves, beside plain reads")
        {
            logEvents, verifyEvents, proofs, keepLog,
        };
        logBench.SetAction((parse, ct) => LedgerCli.RunAsync(() => LogBenchmark.RunAsync(parse, parse.GetValue(logEvents), parse.GetValue(verifyEvents), parse.GetValue(proofs), parse.GetValue(keepLog), ct)));
        bench.Subcommands.Add(logBench);

        var clients = new Option<int>("--clients") { Description = "Concurrent clients (default 16)", DefaultValueFactory = _ => 16 };
        var seconds = new Option<int>("--seconds") { Description = "Seconds each mix runs (default 15)", DefaultValueFactory = _ => 15 };
        var standby = new Option<bool>("--standby")
        {
            Description = "Also create a hot standby of the private cluster and run the read mix with reads on it, and with two API nodes (one reading the primary, one the standby)",
        };
        var http = new Command("http", "Requests/s and p50/p99 of a write mix and a read mix through the HTTP API on loopback, beside an authenticated health check")
        {
            clients, seconds, standby,
        };
        http.SetAction((parse, ct) => LedgerCli.RunAsync(() => HttpBenchmark.RunAsync(parse, parse.GetValue(clients), parse.GetValue(seconds), parse.GetValue(standby), ct)));
        bench.Subcommands.Add(http);

        var projectionEvents = new Option<long>("--events") { Description = "Synthetic events to load (default 200,000)", DefaultValueFactory = _ => 200_000 };
        var projections = new Command("projections", "The ledger's commit-order runner and Marten's async daemon, each driving a projection that only counts, beside reading the events in commit order")
        {
            projectionEvents,
        };
        projections.SetAction((parse, ct) => LedgerCli.RunAsync(() => ProjectionsBenchmark.RunAsync(parse, parse.GetValue(projectionEvents), ct)));
        bench.Subcommands.Add(projections);

        var loads = new Option<int>("--loads") { Description = "Loads of each cockpit view (1 to 1,000; default 30)", DefaultValueFactory = _ => 30 };
        var pages = new Command("pages", "The cockpit's page load in Debian's Chromium over the reference dataset: first paint and each chart's data, beside an authenticated GET /health")
        {
            loads,
        };
        pages.SetAction((parse, ct) => LedgerCli.RunAsync(() => PagesBenchmark.RunAsync(parse, parse.GetValue(loads), ct)));
        bench.Subcommands.Add(pages);
        return bench;
    }
}
