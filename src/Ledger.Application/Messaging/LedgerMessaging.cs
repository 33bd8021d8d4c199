using JasperFx;
using JasperFx.CodeGeneration;
using Ledger.Application.Deadlines;
using Ledger.Application.Referrals;
using Ledger.Domain.Serialization;
using Ledger.EventStore.Hosting;
using Weasel.Core;
using Weasel.Postgresql;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Postgresql;
using Wolverine.RDBMS;
using Wolverine.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ledger.Application.Messaging;

/// <summary>
/// How the ledger uses Wolverine: durable messages kept in PostgreSQL (schema <see cref="Schema"/>, beside the ledger's),
/// handled by the handlers listed here and nothing found by scanning. As with Marten, the schema is the migrations':
/// Wolverine creates nothing at start-up, and a test compares what it expects with what migrations/ create.
/// Handler code is generated ahead of time into <c>Internal/Generated</c> of this assembly and loaded statically, so no
/// process compiles code with Roslyn when it starts (MessagingSetupTests writes it under LEDGER_APPROVE=1, and fails when it is stale).
/// </summary>
public static class LedgerMessaging
{
    /// <summary>Wolverine's envelope, node and dead-letter tables.</summary>
    public const string Schema = "wolverine";

    /// <summary>How often each node tells the database it is alive, and its leader re-evaluates the assignments.</summary>
    public static readonly TimeSpan HealthCheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>How old a node's last heartbeat may grow before the others count it dead and take over its agents.</summary>
    public static readonly TimeSpan StaleNodeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The handlers of the ledger's messages.</summary>
    public static readonly Type[] Handlers = [typeof(DeadlineReminderHandler), typeof(BureauReferralHandler)];

    /// <summary>Applies the ledger's messaging options to <paramref name="options"/>, storing messages through
    /// <paramref name="connection"/> (the application role's).</summary>
    public static void Configure(WolverineOptions options, string connection)
    {
        options.ServiceName = "ledger";
        options.ApplicationAssembly = typeof(LedgerMessaging).Assembly;
        options.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
        var discovery = options.Discovery.DisableConventionalDiscovery();
        foreach (var handler in Handlers) discovery.IncludeType(handler);
        options.PersistMessagesWithPostgresql(connection, Schema);
        options.AutoBuildMessageStorageOnStartup = AutoCreate.None;
        // Reminders are kept in the database from the moment they are planned until handled, on every node, so a
        // restart loses none; whichever node polls first handles each (the notice's key makes a second one a no-op).
        options.Policies.UseDurableLocalQueues();
        // Every message is stored as scheduled (CaseOutbox), so this is how soon a serving node delivers a referral:
        // Wolverine's default is 5 s. One short query a second per node.
        options.Durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(1);
        options.Durability.ScheduledJobFirstExecution = TimeSpan.FromSeconds(1);
        // Nodes of one database elect a leader, which assigns the singular agents (the durability agent that polls these
        // messages, the ledger's background work) to one node each. A node that stops hands its agents back at once; one
        // that is killed is noticed when its heartbeat is older than StaleNodeTimeout (Wolverine's defaults, 10 s and a
        // minute, would leave the totals and the log still for a minute or more).
        options.Durability.HealthCheckPollingTime = HealthCheckInterval;
        options.Durability.StaleNodeTimeout = StaleNodeTimeout;
        // A reminder or referral handled while the database cannot be reached is tried again until it can, never moved to
        // the dead letters: a reminder dead-lettered by a restart of PostgreSQL would never record its overdue notice.
        options.Policies.OnException(DatabaseErrors.IsUnreachable)
            .RetryWithCooldown(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
            .Then.ScheduleRetryIndefinitely(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));
        options.UseSystemTextJsonForSerialization(json =>
        {
            foreach (var converter in CaseEventSerializer.Options.Converters) json.Converters.Add(converter);
            json.PropertyNamingPolicy = CaseEventSerializer.Options.PropertyNamingPolicy;
        });
    }

    /// <summary>The DDL Wolverine expects for the ledger's options (what a migration must create).</summary>
    public static string SchemaScript()
    {
        var writer = new StringWriter();
        var migrator = new PostgresqlMigrator();
        foreach (var schemaObject in SchemaObjects()) schemaObject.WriteCreateStatement(migrator, writer);
        return writer.ToString();
    }

    /// <summary>The tables Wolverine's PostgreSQL message store uses with the ledger's options (read off a host that is
    /// built, never started: nothing connects).</summary>
    public static IReadOnlyList<ISchemaObject> SchemaObjects()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseWolverine(o => Configure(o, "Host=127.0.0.1;Database=unused"));
        using var host = builder.Build();
        var storage = (Weasel.Core.Migrations.IFeatureSchema)host.Services.GetRequiredService<IWolverineRuntime>().Storage;
        return storage.Objects;
    }
}
