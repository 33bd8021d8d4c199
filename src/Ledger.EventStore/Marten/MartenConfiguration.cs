using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Marten.Events.Projections;
using JasperFx.Events.Projections;
using Npgsql;
using Weasel.Core;

namespace Ledger.EventStore.Marten;

/// <summary>
/// How the ledger uses Marten's event store. Every choice here shapes what the database holds, so the schema these
/// options imply is exported into migrations/ (<c>ledger db marten-schema</c>) and checked against the database by a
/// test; at run time Marten creates and changes nothing (<see cref="AutoCreate.None"/>).
/// </summary>
public static class MartenConfiguration
{
    /// <summary>Marten's tables live beside ours, in the ledger schema.</summary>
    public const string Schema = "ledger";

    /// <summary>The store the ledger appends through, on the application's data source, with the read models Marten
    /// writes in each append's transaction (inline projections).</summary>
    public static DocumentStore CreateStore(NpgsqlDataSource dataSource, EventTypes eventTypes, JsonSerializerOptions json,
        IEnumerable<IProjection>? inlineProjections = null) =>
        CreateStore(dataSource, eventTypes, json, o =>
        {
            foreach (var projection in inlineProjections ?? []) o.Projections.Add(projection, ProjectionLifecycle.Inline);
        });

    /// <summary>A store on the ledger's options with further settings of the caller's: for the tests and benchmarks that
    /// hold Marten's own features (its async daemon) against the ledger's guarantees and its own runner.</summary>
    public static DocumentStore CreateStore(NpgsqlDataSource dataSource, EventTypes eventTypes, JsonSerializerOptions json,
        Action<StoreOptions> configure) =>
        new(Options(eventTypes, json, o =>
        {
            o.Connection(dataSource);
            configure(o);
        }));

    /// <summary>The DDL Marten expects for the ledger's options (what a migration must create).</summary>
    public static string SchemaScript()
    {
        var path = Path.GetTempFileName();
        try
        {
            // Marten leaves its event tables out of the script until some event type is known; which one does not
            // change the DDL.
            using var store = new DocumentStore(Options(new EventTypes([new(typeof(SchemaPlaceholder), "schema_placeholder.v1")]), new JsonSerializerOptions(),
                o => o.Connection("Host=127.0.0.1;Database=unused")));
            store.Storage.WriteCreationScriptToFile(path).GetAwaiter().GetResult();
            return File.ReadAllText(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed record SchemaPlaceholder;

    private static StoreOptions Options(EventTypes eventTypes, JsonSerializerOptions json, Action<StoreOptions> connect)
    {
        var options = new StoreOptions();
        connect(options);
        options.DatabaseSchemaName = Schema;
        // The schema is the migrations' (see the class comment): Marten's default CreateOrUpdate would also drop the
        // columns the ledger adds to mt_events (recorded_at, transaction_id, the hashes) on the next append.
        options.AutoCreateSchemaObjects = AutoCreate.None;
        // Case numbers and selection ids are the stream keys, as they were in the ledger's own store.
        options.Events.StreamIdentity = StreamIdentity.AsString;
        // Quick: one statement per append that checks the expected version before taking a sequence number, and no
        // tombstone rows for failed appends (Rich mode writes one per lost race into mt_events: 1,185 for 200 appends
        // in an 8-writer race). See docs/decisions/0001-event-store-on-marten.md.
        options.Events.AppendMode = EventAppendMode.Quick;
        // The audit metadata (actor, correlation id, command, idempotency key, source) travels as headers; the hash
        // chain covers them as the event's metadata.
        options.Events.MetadataConfig.HeadersEnabled = true;
        // An event id names exactly one event: a retry that lost its commit acknowledgement must find its events,
        // never write them twice.
        options.Events.EnableUniqueIndexOnEventId = true;
        // The caller's JSON is the stored form (the domain's: snake_case names and enums, money as yuan strings), so
        // its settings win over Marten's: its converters go first (System.Text.Json takes the first that fits;
        // Marten adds an enum converter of its own), and its naming policy replaces Marten's casing.
        options.UseSystemTextJsonForSerialization(new JsonSerializerOptions(json), EnumStorage.AsString, Casing.Default, configure: o =>
        {
            o.PropertyNamingPolicy = json.PropertyNamingPolicy;
            o.DictionaryKeyPolicy = json.DictionaryKeyPolicy;
            for (var i = json.Converters.Count - 1; i >= 0; i--)
            {
                o.Converters.Remove(json.Converters[i]);
                o.Converters.Insert(0, json.Converters[i]);
            }
        });
        foreach (var (type, name) in eventTypes.All) options.Events.MapEventType(type, name);
        return options;
    }
}
