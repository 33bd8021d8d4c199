using System.Globalization;
using Npgsql;
using NodaTime;
using NodaTime.Text;

namespace Ledger.EventStore.Hosting;

/// <summary>What <see cref="EmbeddedPostgres.BackupAsync"/> writes into a folder: the base backup, the WAL archive beside it
/// and the cluster's password file.</summary>
public sealed record ClusterBackup(string Directory)
{
    /// <summary>The base backup (<c>pg_basebackup</c>, plain format, with the WAL that makes it consistent).</summary>
    public string BaseDirectory => Path.Combine(Directory, "base");

    /// <summary>Where the cluster archives every WAL segment from the first backup on (<c>archive_command</c>).</summary>
    public string WalDirectory => Path.Combine(Directory, "wal");

    /// <summary>The cluster's password file, kept with the backup: the restored cluster has the same roles and passwords.</summary>
    public string PasswordFile => Path.Combine(Directory, "cluster.pgpass");

    /// <summary>Why <paramref name="directory"/> cannot hold a backup, or null. The folder is written into the server's archive
    /// and restore commands, inside shell quotes and after PostgreSQL's own % escapes.</summary>
    public static string? PathProblem(string directory) =>
        directory.IndexOfAny(['\'', '%', '\n', '\r']) >= 0
            ? $"'{directory}' holds a quote, a percent sign or a line break, which the server's archive and restore commands cannot carry; choose a plain path"
            : null;
}

/// <summary>
/// Backups and point-in-time restores of the private cluster with PostgreSQL's own tools: continuous WAL archiving
/// (<c>archive_mode</c>, <c>archive_command</c>), a base backup (<c>pg_basebackup</c>), and recovery to an instant
/// (<c>restore_command</c>, <c>recovery_target_time</c>) into a new data directory, started as a cluster of its own.
/// </summary>
public sealed partial class EmbeddedPostgres
{
    /// <summary>
    /// Backs the running cluster up into <paramref name="directory"/>: from now on every WAL segment is archived into its
    /// <c>wal/</c> folder (the first backup turns archiving on, which restarts the server once: clients see it as a short
    /// restart), then a base backup is taken into <c>base/</c>. A restore can reach any instant from the backup to the last
    /// archived segment.
    /// </summary>
    public async Task<ClusterBackup> BackupAsync(string directory, CancellationToken ct = default)
    {
        var port = RunningPort() ?? throw new EmbeddedPostgresException($"the cluster in {DataDirectory} is not running; start it before backing it up");
        var backup = new ClusterBackup(Path.GetFullPath(directory));
        RequirePlainPath(backup.Directory);
        if (System.IO.Directory.Exists(backup.BaseDirectory) && System.IO.Directory.EnumerateFileSystemEntries(backup.BaseDirectory).Any())
            throw new EmbeddedPostgresException($"{backup.BaseDirectory} already holds a backup; back up into a new folder");
        System.IO.Directory.CreateDirectory(backup.WalDirectory);
        if (_runAs is not null)
        {
            // The server account writes the archive; the folders above it must let it through.
            await ExecAsync("chown", ct, _runAs, backup.Directory, backup.WalDirectory);
        }

        var archiveCommand = $"test ! -f '{backup.WalDirectory}/%f' && cp '%p' '{backup.WalDirectory}/%f'";
        bool archiving;
        await using (var connection = await OpenAdminAsync(ct))
        {
            await using (var mode = new NpgsqlCommand("show archive_mode", connection))
                archiving = (string)(await mode.ExecuteScalarAsync(ct))! != "off";
            // archive_timeout: a quiet ledger fills a 16 MB segment slowly; a segment is archived at least once a minute.
            await AlterSystemAsync(connection, ct, "archive_mode = 'on'", $"archive_command = '{archiveCommand.Replace("'", "''")}'", "archive_timeout = '60s'");
        }
        if (!archiving)
        {
            // archive_mode takes effect only at server start.
            _log($"turning on WAL archiving into {backup.WalDirectory}: restarting PostgreSQL in {DataDirectory}");
            var (code, output) = await RunAsync("pg_ctl", ct, "restart", "-D", DataDirectory, "-m", "fast", "-w", "-t", "120",
                "-l", Path.Combine(DataDirectory, "server.log"));
            if (code != 0) throw new EmbeddedPostgresException($"pg_ctl restart failed (exit {code}): {output.Trim()}");
        }

        var (backupCode, backupOutput) = await ExecAsync(Path.Combine(_binDirectory, "pg_basebackup"), ct,
            "-d", $"host=127.0.0.1 port={port.ToString(CultureInfo.InvariantCulture)} user={SuperUser} passfile={PasswordFile}", "-w",
            "-D", backup.BaseDirectory, "-F", "p", "-X", "stream", "-c", "fast");
        if (backupCode != 0) throw new EmbeddedPostgresException($"pg_basebackup failed (exit {backupCode}): {backupOutput.Trim()}");
        File.Copy(PasswordFile, backup.PasswordFile, overwrite: true);
        return backup;
    }

    /// <summary>
    /// Restores <paramref name="backup"/> into <paramref name="dataDirectory"/> (which must not exist) as a cluster of its
    /// own on a free port, replaying the archived WAL up to <paramref name="until"/> (or to the end of the archive), and
    /// starts it. Returns the cluster, running, promoted and accepting writes; it does not archive.
    /// </summary>
    public static async Task<EmbeddedPostgres> RestoreAsync(ClusterBackup backup, string dataDirectory, Instant? until, Action<string>? log = null,
        CancellationToken ct = default)
    {
        RequirePlainPath(backup.Directory);
        if (!File.Exists(Path.Combine(backup.BaseDirectory, "PG_VERSION")))
            throw new EmbeddedPostgresException($"{backup.BaseDirectory} holds no base backup (no PG_VERSION)");
        var cluster = For(dataDirectory, log);
        if (System.IO.Directory.Exists(cluster.DataDirectory))
            throw new EmbeddedPostgresException($"{cluster.DataDirectory} exists; restore into a new folder");
        CopyDirectory(backup.BaseDirectory, cluster.DataDirectory);
        File.Copy(backup.PasswordFile, cluster.PasswordFile);
        foreach (var stale in new[] { "postmaster.pid", "postmaster.opts" }) File.Delete(Path.Combine(cluster.DataDirectory, stale));

        // postgresql.auto.conf overrides postgresql.conf, and the backup's holds the source's archiving: the restored
        // cluster archives nothing (its timeline would mix with the source's archive) and reads the archive instead.
        var target = until is { } instant
            ? $"recovery_target_time = '{InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm':'ss.ffffff").Format(instant)}+00'\n"
            : "";
        await File.AppendAllTextAsync(Path.Combine(cluster.DataDirectory, "postgresql.auto.conf"),
            "# restored by the ledger\n" +
            "archive_mode = 'off'\n" +
            $"restore_command = 'cp ''{backup.WalDirectory}/%f'' ''%p'''\n" +
            target +
            "recovery_target_action = 'promote'\n", ct);
        await File.WriteAllTextAsync(Path.Combine(cluster.DataDirectory, "recovery.signal"), "", ct);
        await cluster.TakeCopiedDataAsync("Chosen at restore: the source cluster may still hold its own port.", ct);
        if (cluster._runAs is not null) await ExecAsync("chown", ct, cluster._runAs, backup.Directory, backup.WalDirectory);

        try
        {
            await cluster.StartAsync(ct);
        }
        catch (EmbeddedPostgresException) when (until is { } unreached && ServerLogSays(cluster, "recovery ended before configured recovery target was reached"))
        {
            throw new EmbeddedPostgresException(
                $"the archive in {backup.WalDirectory} ends before {InstantPattern.ExtendedIso.Format(unreached)}: the WAL up to that instant is not archived " +
                $"(yet: a segment is archived when it fills, or after archive_timeout). Restore to an earlier instant or to the end of the archive; " +
                $"delete {cluster.DataDirectory} first");
        }
        // The server accepts connections while it still replays; it is restored once it has promoted itself.
        await cluster.WaitUntilItAcceptsWritesAsync(TimeSpan.FromMinutes(2), "is still replaying WAL", ct);
        return cluster;
    }

    private static void RequirePlainPath(string directory)
    {
        if (ClusterBackup.PathProblem(directory) is { } problem) throw new EmbeddedPostgresException($"the backup folder {problem}");
    }

    private static bool ServerLogSays(EmbeddedPostgres cluster, string text)
    {
        var log = Path.Combine(cluster.DataDirectory, "server.log");
        return File.Exists(log) && File.ReadAllText(log).Contains(text, StringComparison.Ordinal);
    }

    private static void CopyDirectory(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in System.IO.Directory.EnumerateDirectories(from)) CopyDirectory(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
