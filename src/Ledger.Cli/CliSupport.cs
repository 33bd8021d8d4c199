using System.CommandLine;
using Ledger.Application;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Npgsql;

namespace Ledger.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    /// <summary>Bad input: an argument broke a rule; nothing was written.</summary>
    public const int BadInput = 2;
}

public static class CliOptions
{
    public static readonly Option<string?> Connection = new("--connection")
    {
        Description = $"PostgreSQL connection string (default: ${LedgerDatabase.ConnectionVariable}, else the embedded private cluster in .ledger/pg)",
        Recursive = true,
    };
}

/// <summary>Runs a command body with the ledger's error conventions: rule violations exit 2 naming the field
/// and rule, infrastructure failures exit 1 with the reason.</summary>
public static class Cli
{
    public static void Info(string message) => Console.Error.WriteLine(message);

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (EventStoreValidationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}. Nothing was written.");
            return ExitCodes.BadInput;
        }
        catch (Ledger.Domain.DomainRuleViolation e)
        {
            Console.Error.WriteLine($"error: {e.Message}. Nothing was written.");
            return ExitCodes.BadInput;
        }
        catch (CliInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}. Nothing was written.");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is MigrationException or EmbeddedPostgresException or EventStoreException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            Console.Error.WriteLine($"error: --connection: its role may not do this ({e.MessageText}); users are issued and revoked, and migrations applied, by the schema's owner. Nothing was written.");
            return ExitCodes.BadInput;
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"error: database: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    public static Task<DatabaseConnections> ConnectAsync(ParseResult parse, CancellationToken ct) =>
        LedgerDatabase.ResolveAsync(parse.GetValue(CliOptions.Connection), Info, ct);

    public static string MigrationsDirectory => Path.Combine(AppContext.BaseDirectory, "migrations");

    /// <summary>
    /// Applies pending migrations with the owner's connection. Given only the application role's connection (as a
    /// production server is), an up-to-date database passes and one with migrations pending is refused, saying who
    /// applies them: the application role may not change the schema.
    /// </summary>
    public static async Task MigrateAsync(DatabaseConnections connections, bool quiet, CancellationToken ct)
    {
        await using var owner = LedgerDatabase.CreateDataSource(connections.Owner);
        IReadOnlyList<string> applied;
        try
        {
            applied = await new Migrator(owner, MigrationsDirectory).ApplyAsync(name => { if (!quiet) Info($"applying {name}"); }, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new CliInputException(
                $"--connection: the database has migrations pending and its role ({new NpgsqlConnectionStringBuilder(connections.Owner).Username}) may not apply them ({e.MessageText}); " +
                "apply them as the schema's owner first (ledger migrate --connection \"<the owner's connection>\"), then connect as the application role");
        }
        if (!quiet || applied.Count > 0) Info(applied.Count == 0 ? "migrations: up to date" : $"migrations: applied {applied.Count}");
    }

    /// <summary>
    /// The owner's data source, for what the application role may not do (issuing and revoking users: a compromised
    /// API process must not mint itself a national approver). Refuses, naming --connection, a role that may not.
    /// </summary>
    public static async Task<NpgsqlDataSource> OpenAsOwnerAsync(ParseResult parse, CancellationToken ct)
    {
        var connections = await ConnectAsync(parse, ct);
        await MigrateAsync(connections, quiet: true, ct);
        return LedgerDatabase.CreateDataSource(connections.Owner);
    }
}

/// <summary>Parses instants given on the command line.</summary>
public static class InstantArgument
{
    /// <summary>"2021-02-01T00:00+08:00", "2021-02-01T00:00:00Z" and the like; anything else names the argument.</summary>
    public static NodaTime.Instant Parse(string text, string argument)
    {
        try
        {
            return Ledger.Application.Totals.TotalsQuery.ParseInstant(text, argument);
        }
        catch (Ledger.Domain.DomainRuleViolation e)
        {
            throw new CliInputException(e.Message);
        }
    }

    /// <summary>An instant as China Standard Time with its offset, the way officials read it.</summary>
    public static string Format(NodaTime.Instant instant) => Ledger.Application.Totals.TotalsReportFormats.ChinaTime(instant);
}

/// <summary>An argument that breaks a rule; the message names the argument and the rule.</summary>
public sealed class CliInputException(string message) : Exception(message);

/// <summary>
/// The ledger's services for one CLI command, composed as <c>ledger serve</c> composes them (<see cref="LedgerServices"/>):
/// the same handlers and the same Wolverine, so a command run here plans its deadline reminders like one sent over HTTP.
/// A CLI process plans reminders and leaves firing them to the serving nodes: it does not poll for due ones.
/// </summary>
public sealed class CliLedger : IAsyncDisposable
{
    private readonly Microsoft.Extensions.Hosting.IHost _host;

    private CliLedger(Microsoft.Extensions.Hosting.IHost host) => _host = host;

    /// <summary>The ledger's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>A service of the ledger's.</summary>
    public T Get<T>() where T : notnull => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<T>(_host.Services);

    /// <summary>Resolves the database (starting the embedded cluster when no connection is given), migrates it and starts the services.</summary>
    public static async Task<CliLedger> StartAsync(ParseResult parse, CancellationToken ct)
    {
        var connections = await Cli.ConnectAsync(parse, ct);
        await Cli.MigrateAsync(connections, quiet: true, ct);
        return await StartAsync(connections.Application, ct);
    }

    /// <summary>Starts the services on a migrated database, through the application role's <paramref name="connection"/>.</summary>
    public static async Task<CliLedger> StartAsync(string connection, CancellationToken ct)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new());
        builder.AddLedger(() => connection);
        Wolverine.HostBuilderExtensions.ConfigureWolverine(builder.Services, o =>
        {
            o.Durability.DurabilityAgentEnabled = false;
            o.Durability.ScheduledJobFirstExecution = TimeSpan.FromDays(1);
        });
        var host = builder.Build();
        await host.StartAsync(ct);
        return new CliLedger(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>Rows a listing command prints as csv or json the same way everywhere (the table is each command's own).</summary>
public static class CliOutput
{
    /// <summary>A listing's <c>--region</c> (a GB/T 2260 code, or none) and <c>--limit</c> (1 to <paramref name="max"/>),
    /// refused naming the option.</summary>
    public static (Ledger.Domain.RegionCode? Region, int Limit) RegionAndLimit(ParseResult parse, Option<string?> region, Option<int> limit, int max)
    {
        var scope = TotalsCommands.Arguments(() => parse.GetValue(region) is { } text ? Ledger.Domain.RegionCode.Parse(text.Trim(), "region") : null);
        var most = parse.GetValue(limit);
        if (most < 1 || most > max) throw new CliInputException($"--limit: {most} is not 1 to {max}");
        return (scope, most);
    }

    /// <summary>Writes <paramref name="rows"/> as json (<c>{name: [...]}</c>) or csv (<paramref name="columns"/> first), or
    /// calls <paramref name="table"/>.</summary>
    public static void Write(string format, string name, IReadOnlyCollection<string> columns, IEnumerable<Dictionary<string, object?>> rows, Action table)
    {
        switch (format)
        {
            case "json":
                Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { [name] = rows },
                    new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                break;
            case "csv":
                Console.Out.Write(string.Join(',', columns) + "\r\n");
                foreach (var row in rows)
                    Console.Out.Write(string.Join(',', row.Values.Select(v =>
                        Ledger.Application.Totals.TotalsReportFormats.Quote(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? ""))) + "\r\n");
                break;
            default:
                table();
                break;
        }
    }
}
