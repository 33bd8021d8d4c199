using System.CommandLine;
using Ledger.Api;
using Ledger.Application.Access;
using Ledger.Domain;
using Ledger.EventStore.Hosting;
using Ledger.Integrity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>The HTTP API: `ledger serve`, and the users who may call it.</summary>
public static class ApiCommands
{
    public const int DefaultPort = 8780;

    public static Command Serve()
    {
        var host = new Option<string>("--host") { Description = "Address to listen on (default 127.0.0.1: this machine only)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = $"Port to listen on (default {DefaultPort}; 0 picks a free one)", DefaultValueFactory = _ => DefaultPort };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Seconds between signed checkpoints (default 60)", DefaultValueFactory = _ => 60 };
        var certificate = new Option<string?>("--certificate")
        {
            Description = "Serve HTTPS with this server certificate: a PEM file (with its key, or give --certificate-key), or a .pfx/.p12 file (password in LEDGER_CERTIFICATE_PASSWORD)",
        };
        var certificateKey = new Option<string?>("--certificate-key") { Description = "The PEM private key of --certificate, when not in the same file" };
        var readConnection = new Option<string?>("--read-connection")
        {
            Description = "Answer reads (cases, lists, totals, proofs, the dashboard) from this hot standby (`ledger db standby` prints one); " +
                          "writes go to the primary, and a caller reads its own writes",
        };
        var readWait = new Option<int>("--read-wait-ms")
        {
            Description = "How long a read waits for the standby to replay the caller's last write before the primary answers it (default 500)",
            DefaultValueFactory = _ => 500,
        };
        var command = new Command("serve", "Serve the HTTP API (and keep totals, the verifiable log and checkpoints up to date) until Ctrl+C")
        {
            host, port, checkpointEvery, IntegrityCommands.SigningKeyOption, certificate, certificateKey, readConnection, readWait,
        };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            if (parse.GetValue(port) is < 0 or > 65535) throw new CliInputException($"--port: is 0 to 65535 (got {parse.GetValue(port)})");
            if (parse.GetValue(checkpointEvery) < 1) throw new CliInputException("--checkpoint-every: must be at least 1 second");
            if (parse.GetValue(readWait) is < 0 or > 60_000) throw new CliInputException($"--read-wait-ms: is 0 to 60000 (got {parse.GetValue(readWait)})");
            var standby = parse.GetValue(readConnection) is { } read ? await ReadConnectionAsync(read, ct) : null;
            if (!System.Net.IPAddress.TryParse(parse.GetValue(host), out var address))
                throw new CliInputException($"--host: an IP address such as 127.0.0.1 (got '{parse.GetValue(host)}')");
            if (parse.GetValue(certificateKey) is not null && parse.GetValue(certificate) is null)
                throw new CliInputException("--certificate-key: goes with --certificate");
            var serverCertificate = parse.GetValue(certificate) is { } certificatePath
                ? LoadCertificate(certificatePath, parse.GetValue(certificateKey))
                : null;
            var connections = await Cli.ConnectAsync(parse, ct);
            await Cli.MigrateAsync(connections, quiet: true, ct);
            var keyPath = IntegrityCommands.SigningKeyPath(parse);
            var signer = IntegrityCommands.LoadSignerFor(keyPath, "--key");
            await using (var dataSource = LedgerDatabase.CreateDataSource(connections.Application))
                await new MerkleLog(dataSource).EnsureCreatedAsync(IntegrityCommands.LogOrigin, signer.Suite, ct);

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Ledger:Connection"] = connections.Application,
                ["Ledger:SigningKey"] = keyPath,
                ["Ledger:Origin"] = IntegrityCommands.LogOrigin,
                ["Ledger:CheckpointSeconds"] = parse.GetValue(checkpointEvery).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Ledger:ReadConnection"] = standby,
                ["Ledger:ReadWaitMilliseconds"] = parse.GetValue(readWait).ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(json => json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz");
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            // Nothing here uses data protection (no cookies); its note about unencrypted key storage is noise.
            builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
            var endpoint = new System.Net.IPEndPoint(address, parse.GetValue(port));
            Listening.Listen(builder, endpoint, serverCertificate);
            await using var app = LedgerApi.Build(builder);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                throw new CliInputException($"--port: cannot listen on {endpoint}: {e.Message}");
            }
            foreach (var url in app.Urls) Console.Out.WriteLine($"serving the ledger API on {url} (OpenAPI: {url}/openapi/v1.json; the cockpit: {url}/ui/cockpit); Ctrl+C stops");
            Console.Out.Flush();
            await app.WaitForShutdownAsync(ct);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The standby of <c>--read-connection</c>, checked before serving: it answers, holds the ledger's schema and
    /// is in recovery (a hot standby). A primary given by mistake would serve reads without ever lagging, but the
    /// operator meant something else.</summary>
    private static async Task<string> ReadConnectionAsync(string connection, CancellationToken ct)
    {
        Npgsql.NpgsqlConnectionStringBuilder parsed;
        try { parsed = new Npgsql.NpgsqlConnectionStringBuilder(connection); }
        catch (ArgumentException e) { throw new CliInputException($"--read-connection: not a connection string ({e.Message})"); }
        try
        {
            await using var dataSource = LedgerDatabase.CreateDataSource(parsed.ConnectionString);
            await using var command = dataSource.CreateCommand("select pg_is_in_recovery(), to_regclass('ledger.case_view') is not null");
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (!reader.GetBoolean(1)) throw new CliInputException("--read-connection: the database there holds no ledger (no ledger.case_view); give the standby of this ledger's primary");
            if (!reader.GetBoolean(0)) throw new CliInputException("--read-connection: that server is not a standby (pg_is_in_recovery() is false); give a hot standby of the primary (`ledger db standby`)");
        }
        catch (Npgsql.NpgsqlException e)
        {
            throw new CliInputException($"--read-connection: cannot read from it ({e.Message})");
        }
        return parsed.ConnectionString;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(string path, string? keyPath)
    {
        try
        {
            return Listening.LoadCertificate(path, keyPath, Environment.GetEnvironmentVariable("LEDGER_CERTIFICATE_PASSWORD"));
        }
        catch (ServerCertificateException e)
        {
            throw new CliInputException(e.Message);
        }
    }

    public static Command Users()
    {
        var command = new Command("users", "Users of the HTTP API: issue bearer tokens (stored only as hashes), list, revoke");

        var name = new Option<string>("--name") { Description = "The person's name as case histories will show it", Required = true };
        var role = new Option<string>("--role")
        {
            Description = "recorder, reviewer, approver, auditor, official or publisher", Required = true,
        };
        var region = new Option<string>("--region") { Description = "Their scope: a GB/T 2260 code (their region and everything within it) or 'national'", Required = true };
        var certificate = new Option<string?>("--certificate") { Description = "Law-enforcement certificate number (执法证号) of a recorder, reviewer or approver" };
        var add = new Command("add", "Issue a user and print their token, once") { name, role, region, certificate };
        add.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var parsedRole = ApiUsers.ParseRole(parse.GetValue(role));
            var scope = ApiUsers.ParseScope(parse.GetValue(region));
            await using var dataSource = await Cli.OpenAsOwnerAsync(parse, ct);
            var issued = await new ApiUsers(dataSource, SystemClock.Instance).AddAsync(
                parse.GetValue(name)!, parsedRole, scope, parse.GetValue(certificate), $"cli:{Environment.UserName}", ct);
            Console.Out.WriteLine($"user    {issued.User.Name} ({SnakeCase.Of(issued.User.Role)}, {issued.User.ScopeLabel}{(issued.User.CertificateNumber is { } c ? $", certificate {c}" : "")})");
            Console.Out.WriteLine($"token   {issued.Token}");
            Cli.Info("The token is shown this once; only its hash is kept. Send it as `Authorization: Bearer <token>`.");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(add);

        var revokeName = new Argument<string>("name") { Description = "The active user to revoke" };
        var revoke = new Command("revoke", "Revoke a user: their token stops working at once") { revokeName };
        revoke.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            await using var dataSource = await Cli.OpenAsOwnerAsync(parse, ct);
            var user = await new ApiUsers(dataSource, SystemClock.Instance).RevokeAsync(parse.GetValue(revokeName)!, $"cli:{Environment.UserName}", ct);
            Console.Out.WriteLine($"revoked {user.Name} ({SnakeCase.Of(user.Role)}, {user.ScopeLabel}) at {user.RevokedAt}");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(revoke);

        var list = new Command("list", "Every user, active and revoked");
        list.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            await using var dataSource = await Cli.OpenAsOwnerAsync(parse, ct);
            var table = new Table().AddColumns("name", "role", "scope", "certificate", "created", "revoked");
            foreach (var user in await new ApiUsers(dataSource, SystemClock.Instance).ListAsync(ct))
                table.AddRow(Markup.Escape(user.Name), SnakeCase.Of(user.Role), user.ScopeLabel, Markup.Escape(user.CertificateNumber ?? ""),
                    user.CreatedAt.ToString(), user.RevokedAt?.ToString() ?? "");
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(list);
        return command;
    }
}
