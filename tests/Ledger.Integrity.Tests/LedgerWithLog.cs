using System.Text.Json;
using Ledger.EventStore;
using Ledger.Integrity.Signing;
using Ledger.Testing;
using Npgsql;

namespace Ledger.Integrity.Tests;

/// <summary>A fresh database with a verifiable log and a signing key in a temporary folder, for one test.</summary>
public sealed class LedgerWithLog : IAsyncDisposable
{
    public const string Origin = "ledger.test/140000";

    private LedgerWithLog(TestDatabase db, string keyFolder, CheckpointSigner signer)
    {
        Db = db;
        KeyFolder = keyFolder;
        Signer = signer;
        Store = StoreOn(db.App);
        Log = new MerkleLog(db.App);
    }

    /// <summary>The one event type of these tests: a fine that grows with the stream's version.</summary>
    public sealed record FineRecorded(int Version, long FineFen);

    private static readonly EventTypes EventTypes = new([new(typeof(FineRecorded), "fine_recorded.v1")]);
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A store of these tests' events on <paramref name="dataSource"/> (a restored copy, say).</summary>
    public static LedgerEventStore StoreOn(NpgsqlDataSource dataSource) => new(dataSource, EventTypes, Json);

    public TestDatabase Db { get; }
    public string KeyFolder { get; }
    public CheckpointSigner Signer { get; }
    public LedgerEventStore Store { get; }
    public MerkleLog Log { get; }

    /// <summary>A ledger on the shared test server, or on the server of <paramref name="admin"/> (a superuser connection).</summary>
    public static async Task<LedgerWithLog> CreateAsync(SignatureSuite? suite = null, string? admin = null)
    {
        var db = await TestDatabase.CreateAsync(admin: admin);
        var folder = Path.Combine(Path.GetTempPath(), $"ledger-keys-{Guid.NewGuid():N}");
        var signer = CheckpointKeyFiles.Create(Path.Combine(folder, "checkpoint.pem"), suite ?? SignatureSuite.EcdsaP256);
        return new LedgerWithLog(db, folder, signer);
    }

    public IReadOnlyCollection<CheckpointPublicKey> TrustedKeys => [Signer.PublicKey];

    public LedgerVerifier Verifier() => new(Db.App, TrustedKeys);

    public Task<Checkpoint?> CheckpointAsync() => Log.CheckpointAsync(Signer, Origin);

    /// <summary>Appends <paramref name="events"/> events to each of <paramref name="streams"/> streams, one event per
    /// append, round-robin (so streams interleave in the log).</summary>
    public async Task<IReadOnlyList<string>> AppendAsync(int streams, int events, string prefix = "case")
    {
        var ids = Enumerable.Range(1, streams).Select(i => $"{prefix}-{i:D4}").ToList();
        for (var version = 1; version <= events; version++)
            foreach (var id in ids)
                await Store.AppendAsync(new AppendRequest(id, "case", ExpectedVersion.Any,
                    [new NewEvent(Guid.NewGuid(), new FineRecorded(version, 100_000 * version))],
                    new EventMetadata("officer-001", Guid.NewGuid()).ToJson()));
        return ids;
    }

    /// <summary>Runs SQL as the superuser with triggers off — an intruder with full access to the database.</summary>
    public async Task TamperAsync(string sql)
    {
        await using var connection = await Db.Owner.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"set session_replication_role = replica; {sql}", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await Db.DisposeAsync();
        if (Directory.Exists(KeyFolder)) Directory.Delete(KeyFolder, recursive: true);
    }
}
