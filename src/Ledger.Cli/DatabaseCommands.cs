using System.CommandLine;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Marten;
using Ledger.EventStore.Migrations;
using Npgsql;

namespace Ledger.Cli;

public static class DatabaseCommands
{
    public static Command Migrate()
    {
        var status = new Option<bool>("--status") { Description = "List applied and pending migrations; apply nothing" };
        var command = new Command("migrate", "Apply pending migrations (migrations/NNNN_name.sql), each in a transaction");
        command.Options.Add(status);
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var connections = await Cli.ConnectAsync(parse, ct);
            if (!parse.GetValue(status))
            {
                await Cli.MigrateAsync(connections, quiet: false, ct);
                return ExitCodes.Ok;
            }
            await using var owner = LedgerDatabase.CreateDataSource(connections.Owner);
            var statuses = await new Migrator(owner, Cli.MigrationsDirectory).StatusAsync(ct);
            foreach (var s in statuses)
            {
                var state = s.WasEdited ? "EDITED since applied" : s.IsApplied ? $"applied {s.AppliedAt:g}" : "pending";
                Console.WriteLine($"{s.Name}  {state}  sha256 {s.FileSha256}");
            }
            return statuses.Any(s => s.WasEdited) ? ExitCodes.Failure : ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Db()
    {
        var db = new Command("db", "Manage the embedded private PostgreSQL cluster (.ledger/pg)");
        var start = new Command("start", "Start (creating if needed) the private cluster and print its connection string");
        start.SetAction((_, ct) => Cli.RunAsync(async () =>
        {
            var admin = await LedgerDatabase.EmbeddedCluster(Cli.Info).StartAsync(ct);
            Console.WriteLine(await LedgerDatabase.EnsureDatabaseAsync(admin, LedgerDatabase.DatabaseName, ct));
            return ExitCodes.Ok;
        }));
        var stop = new Command("stop", "Stop the private cluster (by the pid in its own postmaster.pid)");
        stop.SetAction((_, ct) => Cli.RunAsync(async () =>
        {
            var cluster = LedgerDatabase.EmbeddedCluster(Cli.Info);
            Console.WriteLine(await cluster.StopAsync(ct) ? $"stopped {cluster.DataDirectory}" : $"not running: {cluster.DataDirectory}");
            return ExitCodes.Ok;
        }));
        var status = new Command("status", "Say whether the private cluster runs, and where");
        status.SetAction(_ =>
        {
            var cluster = LedgerDatabase.EmbeddedCluster(Cli.Info);
            Console.WriteLine(cluster.RunningPort() is { } port
                ? $"running: {cluster.DataDirectory} on 127.0.0.1:{port}"
                : $"not running: {cluster.DataDirectory}");
            return ExitCodes.Ok;
        });
        // Marten runs with AutoCreate.None: the schema it expects is exported here into a numbered migration, by a
        // developer, when a Marten upgrade or a changed option asks for it (MartenSchemaTests says when).
        var martenSchema = new Command("marten-schema", "Print the DDL Marten expects for the ledger's event store options (for a new migration)");
        martenSchema.SetAction(_ =>
        {
            Console.Write(MartenConfiguration.SchemaScript());
            return ExitCodes.Ok;
        });
        var wolverineSchema = new Command("wolverine-schema", "Print the DDL Wolverine expects for the ledger's messaging options (for a new migration)");
        wolverineSchema.SetAction(_ =>
        {
            Console.Write(Ledger.Application.Messaging.LedgerMessaging.SchemaScript());
            return ExitCodes.Ok;
        });
        db.Subcommands.Add(start);
        db.Subcommands.Add(stop);
        db.Subcommands.Add(status);
        db.Subcommands.Add(martenSchema);
        db.Subcommands.Add(wolverineSchema);
        return db;
    }
}
