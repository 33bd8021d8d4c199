using Ledger.Benchmarks;

// The benchmarks of this project, by name. Exit codes as the ledger's: 0 ran, 1 failed, 2 bad input.
return args switch
{
    ["pages", .. var rest] => await PagesBenchmark.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run --project src/Ledger.Benchmarks -c Release -- pages [--loads N] [--connection CONNECTION]");
    return 2;
}
