using Ledger.Benchmarks;
using Ledger.Cli;

// The ledger's benchmarks, by name (ops/bench): exit codes as the ledger's, 0 ran, 1 failed, 2 bad input.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 160;
var parsed = BenchCommands.Create().Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run 'ops/bench --help' for usage.");
    return ExitCodes.BadInput;
}
return await parsed.InvokeAsync();
