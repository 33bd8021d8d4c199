using System.Text.Json;

namespace Ledger.EventStore.Tests;

/// <summary>
/// The behaviours every event store of ours must have, run against a real database. A store implementation
/// gets its own subclass; each test gets a fresh migrated database. Split by theme into partial files.
/// </summary>
public abstract partial class EventStoreContract : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;
    protected LedgerEventStore Store { get; private set; } = null!;

    protected abstract LedgerEventStore CreateStore(TestDatabase database);

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        Store = CreateStore(Db);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await Db.DisposeAsync();
    }

    protected static string NewStreamId(string prefix = "case") => $"{prefix}-{Guid.NewGuid():N}";

    protected static NewEvent Event(object? data = null) => new(Guid.NewGuid(), data ?? new TestEvents.ThingHappened());

    protected static JsonElement Metadata(string actor = "officer-001") => new EventMetadata(actor, Guid.NewGuid()).ToJson();

    protected Task<AppendResult> AppendAsync(string stream, ExpectedVersion expected, params NewEvent[] events) =>
        Store.AppendAsync(new AppendRequest(stream, "case", expected, events, Metadata()));
}

/// <summary>
/// Tests that run alone in their assembly. The commit-order reader hands out events only below the oldest transaction
/// still running on the whole server (a late commit is never skipped), so a transaction another test holds open in any
/// other database — a migration, a racing writer, a gap drill — holds back what these tests expect to read, and they
/// failed now and then once test databases were quick enough to make that overlap common.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneOnTheServer
{
    public const string Name = "alone on the server";
}

/// <summary>The store on Marten, used as the application would: through the ledger_app role.</summary>
[Collection(AloneOnTheServer.Name)]
public sealed class LedgerEventStoreContractTests : EventStoreContract
{
    protected override LedgerEventStore CreateStore(TestDatabase database) => new(database.App, TestEvents.Types, TestEvents.Json);
}
