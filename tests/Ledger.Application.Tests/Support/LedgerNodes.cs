using Ledger.Application.Cases;
using Ledger.Domain;
using Ledger.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Ledger.Application.Tests.Support;

/// <summary>
/// Ledger nodes on one test database, each composed as every process of the ledger is (<see cref="LedgerServices"/>),
/// with the ledger's clock fake and Wolverine polling for due messages every <c>poll</c> (or, without one, not for an
/// hour: a node that only records, like a CLI process). Wolverine's clock is the wall clock, so a message due in 2025
/// is delivered as soon as a polling node looks, and one due in 2027 waits. A fresh database per test, like ApiHost.
/// </summary>
public sealed class LedgerNodes : IAsyncLifetime
{
    private readonly List<IHost> hosts = [];
    private TestDatabase db = null!;

    /// <summary>The test's database.</summary>
    public TestDatabase Db => db;

    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync();

    public const string Actor = "稷山县市场监督管理局/14082401017";

    public async Task<IHost> StartAsync(LocalDate today, TimeSpan? poll)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddLedger(() => db.App.ConnectionString, new FakeClock(today.At(new LocalTime(10, 0)).InZoneStrictly(DecisionContext.Zone).ToInstant()));
        builder.Services.ConfigureWolverine(o =>
        {
            o.Durability.ScheduledJobFirstExecution = poll ?? TimeSpan.FromHours(1);
            o.Durability.ScheduledJobPollingTime = poll ?? TimeSpan.FromHours(1);
        });
        var host = builder.Build();
        await host.StartAsync();
        hosts.Add(host);
        return host;
    }

    public static Task<CommandOutcome> RecordAsync(IHost node, string caseId, CaseCommand command, string key) =>
        node.Services.GetRequiredService<CaseCommandHandler>().HandleAsync(new CommandEnvelope(caseId, Actor, key), command);

    public async Task<long> CountAsync(string sql)
    {
        await using var command = db.Owner.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(30); waited += TimeSpan.FromMilliseconds(100))
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"waited 30 s for {what}");
    }

    public async Task DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
        await db.DisposeAsync();
    }
}
