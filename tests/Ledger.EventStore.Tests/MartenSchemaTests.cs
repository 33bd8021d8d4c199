using JasperFx;
using Shouldly;
using Weasel.Core;

namespace Ledger.EventStore.Tests;

/// <summary>
/// The schema is the migrations', not Marten's (Marten runs with AutoCreate.None): these tests fail when what Marten
/// expects for the ledger's options and what migrations/ create part — after a Marten upgrade or a changed option.
/// Then export the new DDL (<c>ledger db marten-schema</c>) and put the difference into a new migration.
/// </summary>
public sealed class MartenSchemaTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task TheMigratedDatabaseIsMartensSchemaPlusExactlyWhatTheLedgerAdds()
    {
        await using var store = new LedgerEventStore(_db.Owner, TestEvents.Types, TestEvents.Json);
        var database = store.Marten.Storage.Database;

        var migration = await database.CreateMigrationAsync();

        var differing = migration.Deltas.Where(d => d.Difference != SchemaPatchDifference.None).ToList();
        differing.Select(d => d.SchemaObject.Identifier.QualifiedName).ShouldBe(["ledger.mt_events"]);
        // What Marten would do to mt_events under AutoCreate.CreateOrUpdate: drop the ledger's columns (and so the hash
        // chain with them). Weasel does not compare check constraints or triggers, so only these show.
        var updates = new StringWriter();
        migration.WriteAllUpdates(updates, database.Migrator, AutoCreate.CreateOrUpdate);
        updates.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ShouldBe([
            "drop index if exists ledger.mt_events_commit_order;",
            "alter table ledger.mt_events drop column recorded_at;",
            "alter table ledger.mt_events drop column transaction_id;",
            "alter table ledger.mt_events drop column previous_hash;",
            "alter table ledger.mt_events drop column hash;",
        ]);
    }

    [Fact]
    public async Task TheStoreNeverChangesTheSchemaItself()
    {
        await using var store = new LedgerEventStore(_db.App, TestEvents.Types, TestEvents.Json);
        await store.AppendAsync(new AppendRequest("case-schema", "case", ExpectedVersion.NoStream, [new NewEvent(Guid.NewGuid(), new TestEvents.ThingHappened())],
            new EventMetadata("officer-001", Guid.NewGuid()).ToJson()));

        // The ledger's columns survived an append (under CreateOrUpdate Marten would have dropped them first).
        (await store.ReadStreamAsync("case-schema")).ShouldHaveSingleItem().Hash.Length.ShouldBe(32);
    }

    [Fact]
    public void TheExportedScriptHoldsMartensEventTables()
    {
        var script = Marten.MartenConfiguration.SchemaScript();

        script.ShouldContain("CREATE TABLE IF NOT EXISTS ledger.mt_events (");
        script.ShouldContain("CREATE TABLE IF NOT EXISTS ledger.mt_streams (");
        script.ShouldContain("CREATE UNIQUE INDEX idx_mt_events_event_id ON ledger.mt_events USING btree (id);");
        script.ShouldContain("FUNCTION ledger.mt_quick_append_events(");
    }
}
