using System.CommandLine;
using Ledger.Cli;

// Tables stay readable when the output is piped or captured (Spectre would assume 80 columns).
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 160;

var root = new RootCommand("Ledger: an event-sourced, tamper-evident audit ledger for IP enforcement and penalty records.");
root.Options.Add(CliOptions.Connection);
root.Subcommands.Add(DatabaseCommands.Migrate());
root.Subcommands.Add(DatabaseCommands.Db());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(CaseCliCommands.Create());
root.Subcommands.Add(DeadlineCommands.Create());
root.Subcommands.Add(InboxCommands.Create());
root.Subcommands.Add(TotalsCommands.Totals());
root.Subcommands.Add(TypicalCommands.Create());
root.Subcommands.Add(TotalsCommands.Projections());
root.Subcommands.Add(NationCommands.Create());
root.Subcommands.Add(ImportCommands.Import());
root.Subcommands.Add(ImportCommands.Reference());
root.Subcommands.Add(IntegrityCommands.Keys());
root.Subcommands.Add(IntegrityCommands.Log());
root.Subcommands.Add(IntegrityCommands.Verify());
root.Subcommands.Add(IntegrityCommands.VerifyDossier());
root.Subcommands.Add(ApiCommands.Serve());
root.Subcommands.Add(ApiCommands.Users());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run 'ledger --help' for usage.");
    return ExitCodes.BadInput;
}
return await parsed.InvokeAsync();
