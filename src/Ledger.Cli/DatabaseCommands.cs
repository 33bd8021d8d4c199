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
        var db = new Command("db", "Manage the embedded private PostgreSQL cluster (.ledger/pg) and its standbys");
        // start, stop and status work on .ledger/pg, or on another private cluster of this machine (a standby, a restore).
        Option<string?> DataOption() => new("--data") { Description = "The data folder of another private cluster (a standby, a restore); default .ledger/pg" };
        EmbeddedPostgres ClusterOf(ParseResult parse, Option<string?> data) =>
            parse.GetValue(data) is { } folder ? EmbeddedPostgres.For(folder, Cli.Info) : LedgerDatabase.EmbeddedCluster(Cli.Info);

        var startData = DataOption();
        var start = new Command("start", "Start (creating if needed) the private cluster and print its connection string") { startData };
        start.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var cluster = ClusterOf(parse, startData);
            if (parse.GetValue(startData) is not null && !File.Exists(Path.Combine(cluster.DataDirectory, "PG_VERSION")))
                throw new CliInputException($"--data: {cluster.DataDirectory} holds no cluster; `ledger db start` without --data creates the ledger's own");
            var admin = await cluster.StartAsync(ct);
            // A standby is read-only: its ledger database arrives with the primary's WAL.
            Console.WriteLine(await cluster.IsStandbyAsync(ct)
                ? new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = LedgerDatabase.DatabaseName }.ConnectionString
                : await LedgerDatabase.EnsureDatabaseAsync(admin, LedgerDatabase.DatabaseName, ct));
            return ExitCodes.Ok;
        }));
        var stopData = DataOption();
        var stop = new Command("stop", "Stop the private cluster (by the pid in its own postmaster.pid)") { stopData };
        stop.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var cluster = ClusterOf(parse, stopData);
            Console.WriteLine(await cluster.StopAsync(ct) ? $"stopped {cluster.DataDirectory}" : $"not running: {cluster.DataDirectory}");
            return ExitCodes.Ok;
        }));
        var statusData = DataOption();
        var status = new Command("status", "Say whether the private cluster runs, where, whether it is a standby, which standbys stream from it, and whether its commits wait for a missing synchronous standby") { statusData };
        status.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var cluster = ClusterOf(parse, statusData);
            if (cluster.RunningPort() is not { } port)
            {
                Console.WriteLine($"not running: {cluster.DataDirectory}");
                return ExitCodes.Ok;
            }
            var standby = await cluster.IsStandbyAsync(ct);
            Console.WriteLine($"running: {cluster.DataDirectory} on 127.0.0.1:{port}{(standby ? " (a hot standby, read-only)" : "")}");
            if (standby) return ExitCodes.Ok;
            var (synchronousNames, standbys) = await cluster.ReplicationAsync(ct);
            foreach (var (name, state, syncState) in standbys) Console.WriteLine($"standby {name}: {state}, {syncState}");
            // A synchronous standby that is not connected holds every commit: say so, since the API would only seem to hang.
            if (synchronousNames.Length > 0 && !standbys.Any(s => s.SyncState == "sync"))
                Console.WriteLine($"WAITING: commits wait for the synchronous standby ({synchronousNames}), which is not connected; start it, " +
                                  "create another (ledger db standby --synchronous), or accept the risk: alter system reset synchronous_standby_names");
            return ExitCodes.Ok;
        }));
        var standbyData = new Option<string>("--data") { Description = "A new folder for the standby's data", Required = true };
        var standbyOf = new Option<string?>("--of") { Description = "The data folder of the primary to copy (after a failover: the promoted one); default .ledger/pg" };
        var synchronous = new Option<bool>("--synchronous")
        {
            Description = "Make it the primary's synchronous standby: a commit is acknowledged only once the standby has it on disk (no loss on failover)",
        };
        var standby = new Command("standby",
            "Create a hot standby of the private cluster (streaming replication), start it, and print the application role's connection to it " +
            "(for `ledger serve --read-connection`, or for `ledger db promote` when the primary is lost)") { standbyData, standbyOf, synchronous };
        standby.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            RequireEmbedded(parse, "standby");
            if (Directory.Exists(parse.GetValue(standbyData)!)) throw new CliInputException($"--data: {parse.GetValue(standbyData)} exists; a standby is created in a new folder");
            var primary = ClusterOf(parse, standbyOf);
            if (parse.GetValue(standbyOf) is not null)
            {
                if (primary.RunningPort() is null) throw new CliInputException($"--of: no cluster runs in {primary.DataDirectory}; start it with ledger db start --data");
                if (await primary.IsStandbyAsync(ct)) throw new CliInputException($"--of: the cluster in {primary.DataDirectory} is itself a standby; copy its primary");
            }
            else
            {
                var connections = await Cli.ConnectAsync(parse, ct);
                await Cli.MigrateAsync(connections, quiet: true, ct);
            }
            var created = await primary.CreateStandbyAsync(parse.GetValue(standbyData)!, parse.GetValue(synchronous), ct);
            var port = created.RunningPort()!.Value;
            Console.Out.WriteLine(created.ConnectionString(port, LedgerDatabase.DatabaseName, LedgerDatabase.ApplicationRole));
            Cli.Info($"streaming from {primary.DataDirectory} as {EmbeddedPostgres.StandbyName(created.DataDirectory)}" +
                     (parse.GetValue(synchronous) ? ", synchronously (every commit waits for it)" : "") +
                     "; serve reads from it with ledger serve --read-connection \"<the line above>\"; stop it with ledger db stop --data " + created.DataDirectory);
            return ExitCodes.Ok;
        }));
        var promoteData = new Option<string>("--data") { Description = "The data folder of the standby to promote", Required = true };
        var promote = new Command("promote",
            "Fail over: promote a standby to the primary (pg_ctl promote) and print the application role's connection to it; " +
            "first make sure the old primary is down and stays down") { promoteData };
        promote.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            RequireEmbedded(parse, "promote");
            var cluster = EmbeddedPostgres.For(parse.GetValue(promoteData)!, Cli.Info);
            if (cluster.RunningPort() is not { } port) throw new CliInputException($"--data: no cluster runs in {cluster.DataDirectory}; start it with ledger db start --data");
            if (!await cluster.IsStandbyAsync(ct)) throw new CliInputException($"--data: the cluster in {cluster.DataDirectory} is no standby; it already accepts writes");
            await cluster.PromoteAsync(ct);
            Console.Out.WriteLine(cluster.ConnectionString(port, LedgerDatabase.DatabaseName, LedgerDatabase.ApplicationRole));
            Cli.Info($"{cluster.DataDirectory} is the primary now; point the ledger at it (ledger serve --connection \"<the line above>\"), " +
                     $"then give it a synchronous standby: ledger db standby --of {cluster.DataDirectory} --data NEW --synchronous");
            return ExitCodes.Ok;
        }));
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
        var backupTo = new Option<string>("--to") { Description = "The folder to back up into (base/: the base backup; wal/: the WAL archive, written from now on)", Required = true };
        var backup = new Command("backup",
            "Back the private cluster up with PostgreSQL's own tools: archive every WAL segment from now on and take a base backup (the first backup restarts the server once)")
            { backupTo };
        backup.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            RequireEmbedded(parse, "backup");
            if (ClusterBackup.PathProblem(Path.GetFullPath(parse.GetValue(backupTo)!)) is { } problem) throw new CliInputException($"--to: {problem}");
            var cluster = LedgerDatabase.EmbeddedCluster(Cli.Info);
            await cluster.StartAsync(ct);
            var taken = await cluster.BackupAsync(parse.GetValue(backupTo)!, ct);
            Console.Out.WriteLine($"backed up into {taken.BaseDirectory}; WAL archived into {taken.WalDirectory} from now on");
            Console.Out.WriteLine("keep the signed checkpoints outside the backup too (ledger log checkpoint --out): ledger verify --trusted-checkpoint holds a restore to them");
            return ExitCodes.Ok;
        }));
        var restoreFrom = new Option<string>("--from") { Description = "A folder `ledger db backup` wrote", Required = true };
        var restoreData = new Option<string>("--data") { Description = "A new folder for the restored cluster's data", Required = true };
        var until = new Option<string?>("--until") { Description = "Replay the archived WAL up to this instant (2025-03-01T12:00+08:00); default: all of it" };
        var restore = new Command("restore",
            "Restore a backup into a new private cluster of its own, to an instant or to the end of the archive, start it and print its connection string")
            { restoreFrom, restoreData, until };
        restore.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            RequireEmbedded(parse, "restore");
            var instant = parse.GetValue(until) is { } text ? InstantArgument.Parse(text, "--until") : (NodaTime.Instant?)null;
            var from = new ClusterBackup(Path.GetFullPath(parse.GetValue(restoreFrom)!));
            if (ClusterBackup.PathProblem(from.Directory) is { } problem) throw new CliInputException($"--from: {problem}");
            if (!Directory.Exists(from.BaseDirectory)) throw new CliInputException($"--from: {from.BaseDirectory} does not exist; give a folder `ledger db backup` wrote");
            if (Directory.Exists(parse.GetValue(restoreData)!)) throw new CliInputException($"--data: {parse.GetValue(restoreData)} exists; restore into a new folder");
            var restored = await EmbeddedPostgres.RestoreAsync(from, parse.GetValue(restoreData)!, instant, Cli.Info, ct);
            var connection = restored.ConnectionString(restored.RunningPort()!.Value, LedgerDatabase.DatabaseName);
            Console.Out.WriteLine(connection);
            Cli.Info($"restored{(instant is { } i ? $" to {InstantArgument.Format(i)}" : "")}; check it against the checkpoints kept outside the database: " +
                     "ledger verify --connection \"<the line above>\" --trusted-checkpoint cp.json …");
            return ExitCodes.Ok;
        }));

        db.Subcommands.Add(start);
        db.Subcommands.Add(backup);
        db.Subcommands.Add(restore);
        db.Subcommands.Add(standby);
        db.Subcommands.Add(promote);
        db.Subcommands.Add(stop);
        db.Subcommands.Add(status);
        db.Subcommands.Add(martenSchema);
        db.Subcommands.Add(wolverineSchema);
        return db;
    }

    /// <summary>Backups and restores drive the private cluster's files; a server of your own is backed up by its administrator.</summary>
    private static void RequireEmbedded(ParseResult parse, string what)
    {
        if (!string.IsNullOrWhiteSpace(parse.GetValue(CliOptions.Connection) ?? Environment.GetEnvironmentVariable(LedgerDatabase.ConnectionVariable)))
            throw new CliInputException($"--connection: `ledger db {what}` works on the private cluster (.ledger/pg); back a server of your own up with " +
                                        "pg_basebackup and archive_command, as docs/event-store.md (Backups) describes");
    }
}
