using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Ledger.EventStore.Hosting;

/// <summary>Raised when the private cluster cannot be created, started or stopped; the message says what to do.</summary>
public sealed class EmbeddedPostgresException(string message) : Exception(message);

/// <summary>
/// A private PostgreSQL cluster in a data directory of ours, used when no connection string is given:
/// initdb on first use, pg_ctl start on 127.0.0.1, reused while it runs, and stopped only through its own
/// postmaster.pid (<c>pg_ctl stop</c>). The server refuses to run as root, so when we are root it runs as the
/// unprivileged <c>postgres</c> account (created by Debian's package).
/// <para>The port is chosen once, when the cluster is created, and kept in its postgresql.conf: a stopped and
/// started cluster answers where it did, so a running <c>ledger serve</c> reconnects by itself. Every role signs in
/// with SCRAM-SHA-256 and a generated password kept in a pgpass file beside the data directory (mode 0600, the
/// invoking user's): another local account cannot connect without reading it. Connection strings name the file
/// (<c>Passfile</c>), never the password, so printing one gives nothing away.</para>
/// </summary>
public sealed partial class EmbeddedPostgres
{
    public const string SuperUser = "ledger";

    private readonly string _binDirectory;
    private readonly string? _runAs;
    private readonly Action<string> _log;

    private EmbeddedPostgres(string dataDirectory, string binDirectory, string? runAs, Action<string> log)
    {
        DataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _runAs = runAs;
        _log = log;
    }

    public string DataDirectory { get; }

    /// <summary>The pgpass file (<c>host:port:database:user:password</c> lines) holding the superuser's and the
    /// application role's passwords; psql reads it as <c>PGPASSFILE</c>.</summary>
    public string PasswordFile => DataDirectory + ".pgpass";

    /// <summary>Prepares (but does not start) the cluster for <paramref name="dataDirectory"/>.</summary>
    public static EmbeddedPostgres For(string dataDirectory, Action<string>? log = null)
    {
        log ??= _ => { };
        var bin = FindServerBinaries();
        var runAs = Environment.UserName == "root" ? UnprivilegedAccount() : null;
        var directory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        if (runAs is not null && !AccessibleTo(runAs, Path.GetDirectoryName(directory)!))
        {
            // The server account must traverse every parent folder; a clone under a private home cannot be.
            var fallback = Path.Combine("/var/tmp",
                "ledger-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..12], Path.GetFileName(directory));
            log($"{directory} is not reachable by the '{runAs}' account; using {fallback} for the cluster");
            directory = fallback;
        }
        return new EmbeddedPostgres(directory, bin, runAs, log);
    }

    /// <summary>Starts the cluster if it is not running (creating it first if needed) and returns a superuser
    /// connection string to database <c>postgres</c>. Safe to call from several processes at once.</summary>
    public async Task<string> StartAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DataDirectory)!);
        using var startLock = await AcquireLockAsync(DataDirectory + ".lock", ct);
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION"))) await InitializeAsync(ct);
        var port = RunningPort();
        if (port is null)
        {
            port = await KeptPortAsync(ct);
            if (!IsFree(port.Value))
                throw new EmbeddedPostgresException(
                    $"port {port} of the cluster in {DataDirectory} is taken by another process; stop that process, or give the " +
                    $"cluster another port in {Path.Combine(DataDirectory, "postgresql.conf")} (port = N)");
            _log($"starting PostgreSQL in {DataDirectory} on 127.0.0.1:{port}");
            var (code, output) = await RunAsync("pg_ctl", ct,
                "start", "-D", DataDirectory, "-w", "-t", "120", "-l", Path.Combine(DataDirectory, "server.log"));
            if (code != 0)
                throw new EmbeddedPostgresException(
                    $"pg_ctl start failed (exit {code}) for {DataDirectory}: {output.Trim()}\nSee {Path.Combine(DataDirectory, "server.log")}.");
            port = RunningPort() ?? port;
        }
        if (PasswordOf(LedgerDatabase.ApplicationRole) is null) await RequirePasswordsAsync(port.Value, ct);
        return ConnectionString(port.Value);
    }

    /// <summary>A connection string to <paramref name="database"/> on this cluster as <paramref name="user"/>, its password
    /// read from <see cref="PasswordFile"/>.</summary>
    public string ConnectionString(int port, string database = "postgres", string user = SuperUser) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = user,
            Database = database,
            Passfile = PasswordFile,
            // Racing-writer tests and the 8-client benchmark need more than the default pool of 100 at times.
            MaxPoolSize = 200,
        }.ConnectionString;

    /// <summary>The port of the running server, read from its own postmaster.pid, or null if it is not running.</summary>
    public int? RunningPort()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile)) return null;
        var (code, _) = RunAsync("pg_ctl", CancellationToken.None, "status", "-D", DataDirectory).GetAwaiter().GetResult();
        if (code != 0) return null;
        // postmaster.pid: line 1 pid, 2 data directory, 3 start time, 4 port.
        var lines = File.ReadAllLines(pidFile);
        if (lines.Length >= 1 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && IsZombie(pid)) return null;
        return lines.Length >= 4 && int.TryParse(lines[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    /// <summary>Whether <paramref name="pid"/> is a process that has ended and not been reaped. A killed postmaster
    /// (<see cref="KillPostmaster"/>) belongs to no parent of ours; where nothing reaps orphans (a container whose first
    /// process is no init) it stays a zombie, which <c>pg_ctl status</c> takes for a running server and
    /// <c>pg_ctl stop</c> waits on in vain.</summary>
    private static bool IsZombie(int pid)
    {
        var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        try
        {
            // "pid (command) state …": the state follows the command's closing parenthesis.
            var text = File.ReadAllText(stat);
            var after = text.LastIndexOf(')');
            return after > 0 && after + 2 < text.Length && text[after + 2] == 'Z';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Stops the server whose pid is in this data directory's postmaster.pid; nothing else. Immediate: without
    /// a shutdown checkpoint, as a crash would (committed transactions survive in the WAL).</summary>
    public async Task<bool> StopAsync(CancellationToken ct = default, bool immediate = false)
    {
        if (RunningPort() is null) return false;
        var (code, output) = await RunAsync("pg_ctl", ct, "stop", "-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w");
        if (code != 0) throw new EmbeddedPostgresException($"pg_ctl stop failed (exit {code}): {output.Trim()}");
        return true;
    }

    /// <summary>Stops the cluster (immediately) if it runs, and deletes its data folder, password file and start lock:
    /// a cluster made for a while (a test's, a benchmark's standby, a drill's nodes).</summary>
    public async Task DeleteAsync()
    {
        await StopAsync(CancellationToken.None, immediate: true);
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
        foreach (var file in new[] { PasswordFile, DataDirectory + ".lock" }) File.Delete(file);
    }

    /// <summary>A superuser connection to the running cluster's <c>postgres</c> database, unpooled: a pooled one would
    /// outlive a restart, a promotion or a kill of the server and fail its next user.</summary>
    private async Task<NpgsqlConnection> OpenAdminAsync(CancellationToken ct)
    {
        var port = RunningPort() ?? throw new EmbeddedPostgresException($"the cluster in {DataDirectory} is not running");
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(port)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary><c>alter system set</c> each of <paramref name="settings"/> (<c>name = 'value'</c>), then reloads the
    /// configuration. One statement each: ALTER SYSTEM may not run inside the implicit transaction of a batch.</summary>
    private static async Task AlterSystemAsync(NpgsqlConnection connection, CancellationToken ct, params string[] settings)
    {
        foreach (var sql in settings.Select(setting => $"alter system set {setting}").Append("select pg_reload_conf()"))
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task InitializeAsync(CancellationToken ct)
    {
        _log($"creating a private PostgreSQL cluster in {DataDirectory}");
        if (Directory.Exists(DataDirectory) && Directory.EnumerateFileSystemEntries(DataDirectory).Any())
            throw new EmbeddedPostgresException(
                $"{DataDirectory} exists but holds no cluster (no PG_VERSION); move it away so a new cluster can be created there");
        Directory.CreateDirectory(DataDirectory);
        if (_runAs is not null) await ExecAsync("chown", ct, _runAs, DataDirectory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var superUserPassword = NewPassword();
        // initdb reads the superuser's password from a file the server account can read; it lives only as long as initdb runs.
        var initialPassword = DataDirectory + ".initial-password";
        await using (var file = new StreamWriter(new FileStream(initialPassword, PrivateFile()))) await file.WriteAsync(superUserPassword);
        if (_runAs is not null) await ExecAsync("chown", ct, _runAs, initialPassword);
        int code;
        string output;
        try
        {
            (code, output) = await RunAsync("initdb", ct,
                "-D", DataDirectory, "-U", SuperUser, "--auth=scram-sha-256", "--pwfile", initialPassword,
                "--encoding=UTF8", "--no-locale", "--no-sync");
        }
        finally
        {
            File.Delete(initialPassword);
        }
        if (code != 0) throw new EmbeddedPostgresException($"initdb failed (exit {code}): {output.Trim()}");
        // The application role's password is set when the cluster first starts (RequirePasswordsAsync).
        WritePasswordFile(superUserPassword, applicationPassword: null);
        // Loopback only, no Unix socket (its default folder belongs to the system's own cluster). The server
        // time zone is Asia/Shanghai on purpose: any code that confuses local and UTC time fails our tests
        // by 8 hours, as Marten's 'now() at time zone utc' did.
        var settings = string.Join('\n',
            "",
            "# Ledger's private cluster",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 250",
            "shared_buffers = 256MB",
            "timezone = 'Asia/Shanghai'",
            "log_timezone = 'Asia/Shanghai'",
            // A database this cluster holds is usually fresh (tests, benchmarks, a first run): until autovacuum first
            // analyses its tables, the cached plan of every foreign-key check still reads mt_streams from end to end
            // (statistics say empty). Looking every 2 s instead of every minute ends that after a few seconds.
            "autovacuum_naptime = 2s",
            // A province's ledger publishes to the national server by logical replication (migration 0020); the WAL
            // must carry what a subscriber decodes, and changing this later takes a restart.
            "wal_level = logical",
            // Chosen once: the cluster comes back where clients expect it after a stop and a start.
            $"port = {FreePort()}",
            "");
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings, ct);
    }

    /// <summary>The port in the cluster's postgresql.conf (the last <c>port =</c> line). A cluster created before ports were
    /// kept has none: it is given a free one now, kept from then on.</summary>
    private async Task<int> KeptPortAsync(CancellationToken ct)
    {
        var configuration = Path.Combine(DataDirectory, "postgresql.conf");
        var kept = (await File.ReadAllLinesAsync(configuration, ct))
            .Select(line => line.Split('#')[0].Trim())
            .Where(line => line.StartsWith("port", StringComparison.Ordinal) && line.Contains('='))
            .Select(line => int.TryParse(line[(line.IndexOf('=') + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : (int?)null)
            .LastOrDefault(p => p is not null);
        if (kept is { } port) return port;
        port = FreePort();
        await File.AppendAllTextAsync(configuration, $"\n# Chosen once: the cluster comes back where clients expect it.\nport = {port}\n", ct);
        return port;
    }

    /// <summary>
    /// Gives the application role its password, and turns a cluster created with trust authentication into one that
    /// asks every role for its password: the passwords are set while trust still admits us, then pg_hba.conf asks for
    /// SCRAM and the server reloads it. Runs once, when the password file lacks the application role.
    /// </summary>
    private async Task RequirePasswordsAsync(int port, CancellationToken ct)
    {
        var superUserPassword = PasswordOf(SuperUser);
        var upgrading = superUserPassword is null;
        superUserPassword ??= NewPassword();
        var applicationPassword = NewPassword();
        // Written first, so the connection below can read the superuser's password; trust ignores it while upgrading.
        WritePasswordFile(superUserPassword, applicationPassword);
        // Not pooled: a pooled connection would outlive a restart of the server and fail its next user.
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(port)) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(ct);
            // The application role is created here with its password when the cluster is new; migration 0001 finds it.
            var sql = $"""
                do $$ begin
                    if not exists (select from pg_roles where rolname = '{LedgerDatabase.ApplicationRole}') then
                        create role {LedgerDatabase.ApplicationRole} login password '{applicationPassword}';
                    else
                        alter role {LedgerDatabase.ApplicationRole} password '{applicationPassword}';
                    end if;
                end $$;
                alter role {SuperUser} password '{superUserPassword}';
                """;
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        if (!upgrading) return;
        _log($"{DataDirectory} trusted every local connection; from now on every role signs in with its password ({PasswordFile})");
        var hba = Path.Combine(DataDirectory, "pg_hba.conf");
        var lines = (await File.ReadAllLinesAsync(hba, ct)).Select(line =>
            line.TrimStart().StartsWith('#') ? line : System.Text.RegularExpressions.Regex.Replace(line, @"\btrust\s*$", "scram-sha-256"));
        await File.WriteAllLinesAsync(hba, lines, ct);
        var (code, output) = await RunAsync("pg_ctl", ct, "reload", "-D", DataDirectory);
        if (code != 0) throw new EmbeddedPostgresException($"pg_ctl reload failed (exit {code}): {output.Trim()}");
    }

    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    // Our file has one line per role, for any port and database.
    private string? PasswordOf(string role) => PgPassFile.Lookup(PasswordFile, "127.0.0.1", 0, "", role);

    private void WritePasswordFile(string superUserPassword, string? applicationPassword)
    {
        var lines = $"127.0.0.1:*:*:{SuperUser}:{superUserPassword}\n"
                    + (applicationPassword is null ? "" : $"127.0.0.1:*:*:{LedgerDatabase.ApplicationRole}:{applicationPassword}\n");
        var temporary = PasswordFile + ".new";
        using (var file = new StreamWriter(new FileStream(temporary, PrivateFile()))) file.Write(lines);
        File.Move(temporary, PasswordFile, overwrite: true);
    }

    private static string FindServerBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_PG_BIN");
        if (!string.IsNullOrEmpty(configured)) return configured;
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(c => c.Version >= 15 && File.Exists(Path.Combine(c.Dir, "initdb")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
            : [];
        return candidates.FirstOrDefault()
               ?? throw new EmbeddedPostgresException(
                   "PostgreSQL 15+ server binaries were not found under /usr/lib/postgresql/*/bin. " +
                   "Install them with ops/install-postgres (apt-get install -y postgresql), " +
                   "set LEDGER_PG_BIN, or give a connection with --connection / LEDGER_CONNECTION.");
    }

    private static string UnprivilegedAccount()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_PG_OS_USER");
        if (!string.IsNullOrEmpty(configured)) return configured;
        if (Exec("id", "-u", "postgres") == 0) return "postgres";
        if (Exec("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "ledgerpg") != 0
            && Exec("id", "-u", "ledgerpg") != 0)
            throw new EmbeddedPostgresException(
                "running as root, and neither a 'postgres' account exists nor could 'ledgerpg' be created; " +
                "set LEDGER_PG_OS_USER to an unprivileged account");
        return "ledgerpg";
    }

    private static bool AccessibleTo(string account, string directory) =>
        Exec("runuser", "-u", account, "--", "test", "-x", directory) == 0;

    /// <summary>Created for its owner's eyes only (0600).</summary>
    private static FileStreamOptions PrivateFile()
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<IDisposable> AcquireLockAsync(string path, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct);
            }
        }
    }

    private Task<(int Code, string Output)> RunAsync(string tool, CancellationToken ct, params string[] arguments)
    {
        var executable = Path.Combine(_binDirectory, tool);
        return _runAs is null
            ? ExecAsync(executable, ct, arguments)
            : ExecAsync("runuser", ct, ["-u", _runAs, "--", executable, .. arguments]);
    }

    private static int Exec(string file, params string[] arguments) =>
        ExecAsync(file, CancellationToken.None, arguments).GetAwaiter().GetResult().Code;

    private static async Task<(int Code, string Output)> ExecAsync(string file, CancellationToken ct, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // A relative working directory could be unreadable to the server account.
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new EmbeddedPostgresException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }
}
