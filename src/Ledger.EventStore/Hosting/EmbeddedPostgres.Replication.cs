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
    /// </summary>
    public async Task<EmbeddedPostgres> CreateStandbyAsync(string dataDirectory, CancellationToken ct = default)
    {
        var port = RunningPort() ?? throw new EmbeddedPostgresException($"the cluster in {DataDirectory} is not running; start it before adding a standby");
        var standby = For(dataDirectory, _log);
        if (System.IO.Directory.Exists(standby.DataDirectory))
            throw new EmbeddedPostgresException($"{standby.DataDirectory} exists; a standby is created in a new folder");
        var name = StandbyName(standby.DataDirectory);

        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(port)) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(ct);
            // A slot the standby no longer uses would keep WAL for ever: a cap (the standby then needs a new base backup).
            foreach (var sql in new[] { "alter system set max_slot_wal_keep_size = '4GB'", "alter system set wal_keep_size = '256MB'", "select pg_reload_conf()" })
            {
                await using var set = new NpgsqlCommand(sql, connection);
                await set.ExecuteNonQueryAsync(ct);
            }
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
        var superUserPassword = ReadPasswordFile()[SuperUser];
        await using (var file = new StreamWriter(new FileStream(replicationPassword, PrivateFile())))
            await file.WriteAsync($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}:*:{SuperUser}:{superUserPassword}\n");
        await File.AppendAllTextAsync(Path.Combine(standby.DataDirectory, "postgresql.auto.conf"),
            "# a hot standby, made by the ledger\n" +
            $"primary_conninfo = 'host=127.0.0.1 port={port.ToString(CultureInfo.InvariantCulture)} user={SuperUser} " +
            $"passfile=''{replicationPassword}'' application_name={name}'\n" +
            $"primary_slot_name = '{name}'\n" +
            "hot_standby = 'on'\n" +
            "hot_standby_feedback = 'on'\n", ct);
        await File.AppendAllTextAsync(Path.Combine(standby.DataDirectory, "postgresql.conf"),
            $"\n# Chosen for the standby: its primary holds the port above.\nport = {FreePort()}\n", ct);
        await File.WriteAllTextAsync(Path.Combine(standby.DataDirectory, "standby.signal"), "", ct);
        if (standby._runAs is not null) await ExecAsync("chown", ct, "-R", standby._runAs, standby.DataDirectory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(standby.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(replicationPassword, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var admin = await standby.StartAsync(ct);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(ct);
            await using var receiving = new NpgsqlCommand("select status from pg_stat_wal_receiver", connection);
            if (await receiving.ExecuteScalarAsync(ct) as string == "streaming") return standby;
            if (DateTime.UtcNow > deadline)
                throw new EmbeddedPostgresException($"the standby in {standby.DataDirectory} does not stream from 127.0.0.1:{port} after a minute; see its server.log");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Whether this cluster runs as a standby (replays another's WAL, read-only).</summary>
    public async Task<bool> IsStandbyAsync(CancellationToken ct = default)
    {
        var port = RunningPort() ?? throw new EmbeddedPostgresException($"the cluster in {DataDirectory} is not running");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(port)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var recovering = new NpgsqlCommand("select pg_is_in_recovery()", connection);
        return (bool)(await recovering.ExecuteScalarAsync(ct))!;
    }
}
