using Ledger.Application.Cases;
using Ledger.Application.Deadlines;
using Ledger.Application.Messaging;
using Ledger.Application.Referrals;
using Ledger.Application.Typical;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using Npgsql;
using Wolverine;

namespace Ledger.Application;

/// <summary>
/// The one composition root of the ledger's write side, for the API and the CLI alike: the application role's data
/// source, the event store, the command handlers, and Wolverine (durable reminders and referrals kept in PostgreSQL).
/// </summary>
public static class LedgerServices
{
    /// <summary>Registers the ledger's services on the application role's connection (read when the host is built, so
    /// configuration set by then counts).</summary>
    public static IHostApplicationBuilder AddLedger(this IHostApplicationBuilder builder, Func<string> connection, IClock? clock = null)
    {
        var services = builder.Services;
        services.AddSingleton(_ => LedgerDatabase.CreateDataSource(connection()));
        services.AddSingleton(clock ?? SystemClock.Instance);
        services.AddSingleton(sp => LedgerEvents.Store(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IClock>()));
        services.AddSingleton<CaseOutbox>();
        services.AddSingleton<DeadlineNotices>();
        services.AddSingleton<BureauInbox>();
        services.AddSingleton(sp => new TypicalCaseSelections(sp.GetRequiredService<LedgerEventStore>(), sp.GetRequiredService<IClock>()));
        services.AddSingleton(sp => new CaseCommandHandler(sp.GetRequiredService<LedgerEventStore>(), sp.GetRequiredService<IClock>(),
            outbox: sp.GetRequiredService<CaseOutbox>(), selections: sp.GetRequiredService<TypicalCaseSelections>()));
        builder.UseWolverine(options => LedgerMessaging.Configure(options, connection()));
        return builder;
    }
}
