using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Ledger.EventStore.Hosting;

/// <summary>
/// Hot standbys of the private cluster by PostgreSQL's streaming replication: a base backup (<c>pg_basebackup</c>) through a
/// physical replication slot, started with <c>standby.signal</c> so that it replays the primary's WAL as it is written and
/// answers read-only queries meanwhile.
/// </summary>
public sealed partial class EmbeddedPostgres
{
    /// <summary>The file in a standby's data directory holding the password its WAL receiver signs in to the primary with:
    /// the server account's own copy (the invoking user's pgpass is not readable by it).</summary>
    private const string ReplicationPasswordFile = "replication.pgpass";

    /// <summary>The name a standby in <paramref name="dataDirectory"/> is known by on its primary: its replication slot and
    /// the <c>application_name</c> of its WAL receiver (what <c>synchronous_standby_names</c> and <c>pg_stat_replication</c>
    /// name). Derived from the folder, so the same standby keeps it.</summary>
    public static string StandbyName(string dataDirectory) =>
        "standby_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..12];

    /// <summary>
    /// Creates a hot standby of this (running) cluster in <paramref name="dataDirectory"/>, which must not exist, and starts
    /// it on a port of its own. It streams from a replication slot on this primary (the primary keeps the WAL the standby
    /// has not received, up to <c>max_slot_wal_keep_size</c>, so a stopped standby can catch up but cannot fill the
    /// primary's disk), sends hot-standby feedback (long reads on it are not cancelled by the primary's vacuum), and is
    /// returned once its WAL receiver streams.
    /// <para>A <paramref name="synchronous"/> standby is then named in this primary's <c>synchronous_standby_names</c> (it
    /// replaces any standby named there before) with <c>synchronous_commit = on</c>: from then on a commit is acknowledged
    /// only once the standby has written it to its disk, so promoting the standby loses no acknowledged write. While it
    /// is down, commits wait for it (that is the guarantee); a new synchronous standby, or
    /// <c>alter system reset synchronous_standby_names</c>, lets them through.</para>
    /// </summary>
    public async Task<EmbeddedPostgres> CreateStandbyAsync(string dataDirectory, bool synchronous = false, CancellationToken ct = default)
    {
        var port = RunningPort() ?? throw new EmbeddedPostgresException($"the cluster in {DataDirectory} is not running; start it before adding a standby");
        var standby = For(dataDirectory, _log);
        if (System.IO.Directory.Exists(standby.DataDirectory))
            throw new EmbeddedPostgresException($"{standby.DataDirectory} exists; a standby is created in a new folder");
        var name = StandbyName(standby.DataDirectory);

        await using (var connection = await OpenAdminAsync(ct))
        {
            // A slot the standby no longer uses would keep WAL for ever: a cap (the standby then needs a new base backup).
            await AlterSystemAsync(connection, ct, "max_slot_wal_keep_size = '4GB'", "wal_keep_size = '256MB'");
            // A slot left by an earlier standby in the same folder (removed since) is reused, not refused.
            await using var drop = new NpgsqlCommand(
                "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1 and not active", connection);
            drop.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            await drop.ExecuteNonQueryAsync(ct);
        }

        _log($"creating a hot standby of {DataDirectory} in {standby.DataDirectory} (replication slot {name})");
        var (code, output) = await ExecAsync(Path.Combine(_binDirectory, "pg_basebackup"), ct,
            "-d", $"host=127.0.0.1 port={port.ToString(CultureInfo.InvariantCulture)} user={SuperUser} passfile={PasswordFile}", "-w",
            "-D", standby.DataDirectory, "-F", "p", "-X", "stream", "-c", "fast", "-C", "-S", name);
        if (code != 0) throw new EmbeddedPostgresException($"pg_basebackup failed (exit {code}): {output.Trim()}");
        File.Copy(PasswordFile, standby.PasswordFile, overwrite: true);

        var replicationPassword = Path.Combine(standby.DataDirectory, ReplicationPasswordFile);
        var superUserPassword = PasswordOf(SuperUser) ?? throw new EmbeddedPostgresException($"{PasswordFile} holds no password for {SuperUser}");
        await using (var file = new StreamWriter(new FileStream(replicationPassword, PrivateFile())))
            await file.WriteAsync($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}:*:{SuperUser}:{superUserPassword}\n");
        await File.AppendAllTextAsync(Path.Combine(standby.DataDirectory, "postgresql.auto.conf"),
            "# a hot standby, made by the ledger\n" +
            $"primary_conninfo = 'host=127.0.0.1 port={port.ToString(CultureInfo.InvariantCulture)} user={SuperUser} " +
            $"passfile=''{replicationPassword}'' application_name={name}'\n" +
            $"primary_slot_name = '{name}'\n" +
            "hot_standby = 'on'\n" +
            "hot_standby_feedback = 'on'\n" +
            // Copied from the primary, it would name the standby's own peers: promoted, it would wait for them for ever.
            "synchronous_standby_names = ''\n", ct);
        await File.WriteAllTextAsync(Path.Combine(standby.DataDirectory, "standby.signal"), "", ct);
        await standby.TakeCopiedDataAsync("Chosen for the standby: its primary holds the port above.", ct);

        await standby.StartAsync(ct);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            await using var connection = await standby.OpenAdminAsync(ct);
            await using var receiving = new NpgsqlCommand("select status from pg_stat_wal_receiver", connection);
            if (await receiving.ExecuteScalarAsync(ct) as string == "streaming") break;
            if (DateTime.UtcNow > deadline)
                throw new EmbeddedPostgresException($"the standby in {standby.DataDirectory} does not stream from 127.0.0.1:{port} after a minute; see its server.log");
            await Task.Delay(100, ct);
        }
        if (synchronous)
        {
            await using var connection = await OpenAdminAsync(ct);
            await AlterSystemAsync(connection, ct, $"synchronous_standby_names = '{name}'", "synchronous_commit = 'on'");
            // The reload is asynchronous: wait until the walsender reports the standby as synchronous.
            var synchronousBy = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                await using var state = new NpgsqlCommand("select sync_state from pg_stat_replication where application_name = $1", connection);
                state.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                if (await state.ExecuteScalarAsync(ct) as string == "sync") break;
                if (DateTime.UtcNow > synchronousBy)
                    throw new EmbeddedPostgresException($"the standby {name} is not reported synchronous by {DataDirectory} after 30 s; see its server.log");
                await Task.Delay(50, ct);
            }
        }
        return standby;
    }

    /// <summary>
    /// Promotes this standby to a primary (<c>pg_ctl promote</c>): it stops replaying, ends recovery on a new timeline and
    /// accepts writes; returns once it does. The old primary must not come back as a primary (fence it: stop it, or keep
    /// clients from it); it can only rejoin as a new standby.
    /// </summary>
    public async Task PromoteAsync(CancellationToken ct = default)
    {
        if (RunningPort() is null) throw new EmbeddedPostgresException($"the cluster in {DataDirectory} is not running; start it before promoting it");
        if (!await IsStandbyAsync(ct)) throw new EmbeddedPostgresException($"the cluster in {DataDirectory} is no standby (it already accepts writes)");
        var (code, output) = await RunAsync("pg_ctl", ct, "promote", "-D", DataDirectory, "-w", "-t", "60");
        if (code != 0) throw new EmbeddedPostgresException($"pg_ctl promote failed (exit {code}): {output.Trim()}");
        await WaitUntilItAcceptsWritesAsync(TimeSpan.FromMinutes(1), "is still in recovery after pg_ctl promote", ct);
    }

    /// <summary>Kills the cluster's postmaster with SIGKILL, as a crash of its machine would end it (a drill's failure).
    /// Its server processes notice and exit by themselves; nothing is flushed or checkpointed.</summary>
    public void KillPostmaster()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        var pid = File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            ? p : throw new EmbeddedPostgresException($"the cluster in {DataDirectory} is not running (no postmaster.pid)");
        using var postmaster = System.Diagnostics.Process.GetProcessById(pid);
        postmaster.Kill();
    }

    /// <summary>What a primary says of its replication: the standbys its commits wait for (<c>synchronous_standby_names</c>,
    /// empty when none) and each standby streaming from it now (its name, state and <c>sync_state</c>).</summary>
    public async Task<(string SynchronousNames, IReadOnlyList<(string Name, string State, string SyncState)> Standbys)> ReplicationAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAdminAsync(ct);
        await using var names = new NpgsqlCommand("show synchronous_standby_names", connection);
        var synchronousNames = (string)(await names.ExecuteScalarAsync(ct))!;
        var standbys = new List<(string, string, string)>();
        await using var streaming = new NpgsqlCommand("select application_name, state, sync_state from pg_stat_replication order by application_name", connection);
        await using var reader = await streaming.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) standbys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return (synchronousNames, standbys);
    }

    /// <summary>Makes a data folder copied from another cluster (a base backup) this one's: a port of its own (the copy
    /// names its source's; <paramref name="why"/> is the comment beside it), owned by the server account, private.</summary>
    private async Task TakeCopiedDataAsync(string why, CancellationToken ct)
    {
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"\n# {why}\nport = {FreePort()}\n", ct);
        if (_runAs is not null) await ExecAsync("chown", ct, "-R", _runAs, DataDirectory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Waits until this cluster has left recovery (a restore or a promotion finished), at most <paramref name="within"/>.</summary>
    private async Task WaitUntilItAcceptsWritesAsync(TimeSpan within, string stillWhat, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (await IsStandbyAsync(ct))
        {
            if (DateTime.UtcNow > deadline)
                throw new EmbeddedPostgresException($"the cluster in {DataDirectory} {stillWhat} after {within.TotalMinutes:0} minute(s); see its server.log");
            await Task.Delay(20, ct);
        }
    }

    /// <summary>Whether this cluster runs as a standby (replays another's WAL, read-only).</summary>
    public async Task<bool> IsStandbyAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAdminAsync(ct);
        await using var recovering = new NpgsqlCommand("select pg_is_in_recovery()", connection);
        return (bool)(await recovering.ExecuteScalarAsync(ct))!;
    }
}
