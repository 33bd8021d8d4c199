using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Ledger.Api;
using Ledger.Application.Access;
using Ledger.Domain;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Ledger.Integrity;
using Ledger.Integrity.Signing;
using Microsoft.AspNetCore.Builder;
using NodaTime;
using Npgsql;

namespace Ledger.Drills;

/// <summary>What a failover drill is asked to do.</summary>
/// <param name="Rounds">Crashes to survive, one after another, each on the primary the last one left.</param>
/// <param name="Clients">Clients writing through the API while the primary dies.</param>
/// <param name="Folder">Where the drill's clusters and signing key live (deleted afterwards unless kept).</param>
/// <param name="LoadBeforeCrash">The load runs for a random time in this range before the primary's postmaster is killed.</param>
/// <param name="Seed">Seeds the random crash moments, so a run can be repeated.</param>
public sealed record FailoverDrillOptions(int Rounds, int Clients, string Folder, (TimeSpan Least, TimeSpan Most) LoadBeforeCrash, int Seed)
{
    public string MigrationsDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "migrations");
}

/// <summary>One crash and its failover: what was acknowledged, what was in doubt, how long the failover took, and every
/// problem found on the new primary (none, or the drill failed).</summary>
/// <param name="Round">The round's number, from 1.</param>
/// <param name="Acknowledged">Writes answered 2xx, before the crash or on their retry after it.</param>
/// <param name="InDoubt">Writes whose answer never came (the primary died under them); retried with the same idempotency key on the new primary.</param>
/// <param name="InDoubtCommitted">Of those, the ones the retry found already recorded (committed, their acknowledgement lost).</param>
/// <param name="Failover">From the kill to the standby accepting writes.</param>
/// <param name="Events">The ledger's events on the new primary.</param>
/// <param name="PublishedSize">The size of the last checkpoint the old primary signed and the auditor fetched before the crash.</param>
/// <param name="Lost">Acknowledged writes the new primary does not hold.</param>
/// <param name="Duplicated">Writes the new primary holds more than once.</param>
/// <param name="Problems">What the checks found wrong; none when the round passed.</param>
public sealed record FailoverRound(
    int Round, int Acknowledged, int InDoubt, int InDoubtCommitted, TimeSpan Failover, long Events, long PublishedSize, int Lost, int Duplicated,
    IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// The crash drill of issue 27: a primary with a synchronous standby (<see cref="EmbeddedPostgres.CreateStandbyAsync"/>),
/// the API writing cases through it for 16 clients while an auditor fetches signed checkpoints; the primary's postmaster
/// is killed (SIGKILL) at a random moment, the standby promoted, the API started again on it. Then on the new primary:
/// every write the API acknowledged is there exactly once (by its idempotency key), the writes in doubt are retried
/// with their keys and recorded once, and <see cref="LedgerVerifier"/> finds the hash chains, the verifiable log and every
/// checkpoint sound, holding the ledger to the last checkpoint published before the crash. The new primary gets a new
/// synchronous standby, and the next round crashes it.
/// </summary>
public sealed class FailoverDrill(FailoverDrillOptions options, Action<string> log)
{
    private const string Origin = "drill.ledger.local";
    private const string Region = "140824";

    private readonly Random random = new(options.Seed);

    public async Task<IReadOnlyList<FailoverRound>> RunAsync(Action<FailoverRound>? onRound = null, CancellationToken ct = default)
    {
        Directory.CreateDirectory(options.Folder);
        var keyPath = Path.Combine(options.Folder, "checkpoint.pem");
        var signer = File.Exists(keyPath) ? CheckpointKeyFiles.LoadSigner(keyPath) : CheckpointKeyFiles.Create(keyPath, SignatureSuite.EcdsaP256);
        var trusted = new[] { CheckpointKeyFiles.LoadPublicKey(CheckpointKeyFiles.PublicPathFor(keyPath)) };

        var node = 0;
        var primary = EmbeddedPostgres.For(Path.Combine(options.Folder, $"node-{node++}"), log);
        var owner = await LedgerDatabase.EnsureDatabaseAsync(await primary.StartAsync(ct), LedgerDatabase.DatabaseName, ct);
        await using (var ownerSource = LedgerDatabase.CreateDataSource(owner))
        {
            await new Migrator(ownerSource, options.MigrationsDirectory).ApplyAsync(null, ct);
            await using var appSource = LedgerDatabase.CreateDataSource(LedgerDatabase.WithUser(owner, LedgerDatabase.ApplicationRole));
            await new MerkleLog(appSource).EnsureCreatedAsync(Origin, signer.Suite, ct);
        }
        var tokens = await IssueUsersAsync(owner, ct);
        var standby = await primary.CreateStandbyAsync(Path.Combine(options.Folder, $"node-{node++}"), synchronous: true, ct);
        var api = await StartApiAsync(primary, keyPath, ct);
        var rounds = new List<FailoverRound>();
        var events = 0L;
        try
        {
            for (var round = 1; round <= options.Rounds; round++)
            {
                var (result, promoted, promotedApi) = await RunRoundAsync(round, events, primary, standby, api, tokens, trusted, keyPath, ct);
                api = promotedApi;
                events = result.Events;
                rounds.Add(result);
                onRound?.Invoke(result);
                await primary.DeleteAsync(); // what is left of it: its server processes end by themselves
                primary = promoted;
                standby = await primary.CreateStandbyAsync(Path.Combine(options.Folder, $"node-{node++}"), synchronous: true, ct);
                if (!result.Ok) break;
            }
        }
        finally
        {
            await api.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await standby.StopAsync(CancellationToken.None, immediate: true);
            await primary.StopAsync(CancellationToken.None, immediate: true);
        }
        return rounds;
    }

    /// <summary>One round: load, crash, promote, check. Returns the round, the promoted cluster and the API that checked it
    /// (stopped by the caller, which starts the next round's API on the promoted cluster once it has a standby).</summary>
    private async Task<(FailoverRound Round, EmbeddedPostgres Promoted, WebApplication Api)> RunRoundAsync(
        int round, long eventsBefore, EmbeddedPostgres primary, EmbeddedPostgres standby, WebApplication api, DrillTokens tokens,
        IReadOnlyCollection<CheckpointPublicKey> trusted, string keyPath, CancellationToken ct)
    {
        var address = new Uri(api.Urls.First());
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients * 2 + 2 };
        var acknowledged = new ConcurrentDictionary<string, string>(); // idempotency key → case id
        var inDoubt = new ConcurrentBag<DrillWrite>();
        var problems = new ConcurrentBag<string>();
        Checkpoint? published = null;
        using var stopAuditor = new CancellationTokenSource();

        // The auditor keeps the latest signed checkpoint, as one published outside the database would be.
        var auditor = Task.Run(async () =>
        {
            using var client = Client(handler, address, tokens.Auditor);
            while (!stopAuditor.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync("/checkpoints/latest", stopAuditor.Token);
                    if (response.IsSuccessStatusCode) published = PublishedCheckpoint.FromJson(await response.Content.ReadAsStringAsync(stopAuditor.Token));
                    await Task.Delay(100, stopAuditor.Token);
                }
                catch (OperationCanceledException) { }
                catch (HttpRequestException) { }
            }
        });

        // Each client writes cases step by step until a write is not answered 2xx (the primary is gone); that write is in doubt.
        var crashed = 0;
        var load = Enumerable.Range(0, options.Clients).Select(client => Task.Run(async () =>
        {
            using var recorder = Client(handler, address, tokens.Recorder);
            using var approver = Client(handler, address, tokens.Approver);
            for (var n = 0; ; n++)
            {
                var caseId = $"{Region}-2026-F{round:D4}{client:D2}{n:D4}";
                foreach (var write in DrillWrite.StepsOf(caseId))
                {
                    var (status, _) = await SendAsync(write.ByApprover ? approver : recorder, write, ct);
                    if (status is >= 200 and < 300)
                    {
                        acknowledged[write.Key] = caseId;
                        continue;
                    }
                    if (Volatile.Read(ref crashed) == 0) problems.Add($"{write.Key}: answered {status} before the crash");
                    inDoubt.Add(write);
                    return;
                }
            }
        }, ct)).ToArray();

        // The crash comes once the load is under way: every client has had a write acknowledged and a checkpoint of this
        // round's writes has been published (so the round holds the new primary to one). Then a random while more.
        var underWay = Stopwatch.StartNew();
        while (acknowledged.Count < options.Clients || published is not { } seen || seen.TreeSize <= eventsBefore)
        {
            if (underWay.Elapsed > TimeSpan.FromSeconds(60))
            {
                problems.Add($"the load did not get under way in a minute ({acknowledged.Count} writes acknowledged, checkpoint {published?.TreeSize ?? 0})");
                break;
            }
            await Task.Delay(20, ct);
        }
        var least = options.LoadBeforeCrash.Least;
        await Task.Delay(least + TimeSpan.FromMilliseconds(random.NextDouble() * (options.LoadBeforeCrash.Most - least).TotalMilliseconds), ct);
        Volatile.Write(ref crashed, 1);
        var killed = Stopwatch.StartNew();
        primary.KillPostmaster();
        await standby.PromoteAsync(ct);
        var failover = killed.Elapsed;
        await Task.WhenAll(load);
        await stopAuditor.CancelAsync();
        await auditor;
        await api.DisposeAsync();

        // The ledger pointed at the promoted standby. Its own background work signs checkpoints there from now on.
        var promotedApi = await StartApiAsync(standby, keyPath, ct);
        var promotedAddress = new Uri(promotedApi.Urls.First());
        var committedBefore = 0;
        using (var recorder = Client(handler, promotedAddress, tokens.Recorder))
        using (var approver = Client(handler, promotedAddress, tokens.Approver))
        {
            foreach (var write in inDoubt)
            {
                var (status, replayed) = await SendAsync(write.ByApprover ? approver : recorder, write, ct);
                if (status is >= 200 and < 300)
                {
                    acknowledged[write.Key] = write.CaseId;
                    if (replayed) committedBefore++;
                }
                else problems.Add($"{write.Key}: the retry on the new primary answered {status}");
            }
        }

        var owner = standby.ConnectionString(standby.RunningPort()!.Value, LedgerDatabase.DatabaseName);
        await using var ownerSource = LedgerDatabase.CreateDataSource(owner);
        var (events, lost, duplicated) = await CheckEveryWriteOnceAsync(ownerSource, round, acknowledged, problems, ct);
        var report = await new LedgerVerifier(ownerSource, trusted, published is null ? null : [published]).VerifyAsync(ct: ct);
        foreach (var discrepancy in report.Discrepancies) problems.Add($"verify: {discrepancy}");
        return (new FailoverRound(round, acknowledged.Count, inDoubt.Count, committedBefore, failover, events, published?.TreeSize ?? 0, lost, duplicated,
                [.. problems]),
            standby, promotedApi);
    }

    /// <summary>Every acknowledged write of the round is recorded exactly once (one event under its idempotency key, in its
    /// case), and nothing of the round is recorded that was not acknowledged. Returns the ledger's events in all, and the
    /// acknowledged writes missing and the writes recorded more than once.</summary>
    private static async Task<(long Events, int Lost, int Duplicated)> CheckEveryWriteOnceAsync(
        NpgsqlDataSource owner, int round, IReadOnlyDictionary<string, string> acknowledged, ConcurrentBag<string> problems, CancellationToken ct)
    {
        var recorded = new Dictionary<string, List<(string StreamId, long Version)>>();
        await using (var command = owner.CreateCommand(
                         "select stream_id, version, metadata->>'idempotency_key' from ledger.events where stream_id like $1"))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{Region}-2026-F{round:D4}%" });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = reader.IsDBNull(2) ? "(none)" : reader.GetString(2);
                if (!recorded.TryGetValue(key, out var at)) recorded[key] = at = [];
                at.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }
        int lost = 0, duplicated = 0;
        foreach (var (key, caseId) in acknowledged)
        {
            if (!recorded.TryGetValue(key, out var at))
            {
                lost++;
                problems.Add($"{key}: acknowledged, and missing on the new primary");
            }
            else if (at.Count != 1)
            {
                duplicated++;
                problems.Add($"{key}: recorded {at.Count} times ({string.Join(", ", at.Select(e => $"{e.StreamId} v{e.Version}"))})");
            }
            else if (at[0].StreamId != caseId) problems.Add($"{key}: recorded in {at[0].StreamId}, not {caseId}");
        }
        foreach (var key in recorded.Keys.Where(k => !acknowledged.ContainsKey(k)))
            problems.Add($"{key}: recorded on the new primary, yet neither acknowledged nor found by its retry");
        await using var count = owner.CreateCommand("select count(*) from ledger.events");
        return ((long)(await count.ExecuteScalarAsync(ct))!, lost, duplicated);
    }

    private static async Task<(int Status, bool Replayed)> SendAsync(HttpClient client, DrillWrite write, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, write.Path) { Content = new StringContent(write.Body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", write.Key);
            using var response = await client.SendAsync(request, ct);
            return ((int)response.StatusCode, response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"));
        }
        catch (HttpRequestException)
        {
            return (0, false);
        }
    }

    private static HttpClient Client(HttpMessageHandler handler, Uri address, string token)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The ledger on <paramref name="cluster"/>: the API with its background work (totals, the log, a checkpoint
    /// every half second) signing with the drill's key.</summary>
    private static Task<WebApplication> StartApiAsync(EmbeddedPostgres cluster, string keyPath, CancellationToken ct) =>
        LedgerApi.StartOnLoopbackAsync(new Dictionary<string, string?>
        {
            ["Ledger:Connection"] = cluster.ConnectionString(cluster.RunningPort()!.Value, LedgerDatabase.DatabaseName, LedgerDatabase.ApplicationRole),
            ["Ledger:SigningKey"] = keyPath,
            ["Ledger:Origin"] = Origin,
            ["Ledger:BackgroundSeconds"] = "0.2",
            ["Ledger:CheckpointSeconds"] = "0.5",
        }, silent: true, ct);

    private sealed record DrillTokens(string Recorder, string Approver, string Auditor);

    private static async Task<DrillTokens> IssueUsersAsync(string owner, CancellationToken ct)
    {
        await using var source = LedgerDatabase.CreateDataSource(owner);
        var users = new ApiUsers(source, SystemClock.Instance);
        var region = RegionCode.Parse(Region);
        return new DrillTokens(
            (await users.AddAsync("drill-recorder", Role.Recorder, region, "14082409998", "drill", ct)).Token,
            (await users.AddAsync("drill-approver", Role.Approver, region, "14082400009", "drill", ct)).Token,
            (await users.AddAsync("drill-auditor", Role.Auditor, null, null, "drill", ct)).Token);
    }
}

/// <summary>One write of the drill: a step of a case, its idempotency key and who sends it.</summary>
internal sealed record DrillWrite(string CaseId, string Key, string Path, string Body, bool ByApprover)
{
    /// <summary>A case as clerks record it: registered, filed by the approver, officers assigned, evidence recorded.</summary>
    public static IEnumerable<DrillWrite> StepsOf(string caseId)
    {
        const string on = "2026-03-02";
        yield return new(caseId, $"{caseId}/lead", "/cases", $$"""
            {"case_id": "{{caseId}}", "on": "{{on}}", "source": "inspection", "summary": "市场检查发现涉嫌侵权商品", "region": "140824",
             "kind": "trademark_infringement", "party": {"kind": "organisation", "name": "某商贸有限公司"},
             "right": {"kind": "trademark", "name": "N", "registration_number": "第1237011号", "holder": "某体育用品有限公司"},
             "violation_on": "2026-02-27", "flags": [], "campaigns": []}
            """, ByApprover: false);
        yield return new(caseId, $"{caseId}/filing", $"/cases/{caseId}/filing",
            $$"""{"on": "{{on}}", "legal_bases": ["商标法第五十七条第三项"]}""", ByApprover: true);
        yield return new(caseId, $"{caseId}/officers", $"/cases/{caseId}/officers",
            $$"""{"on": "{{on}}", "officers": [{"certificate_number": "14082401017", "name": "张某"}, {"certificate_number": "14082401018", "name": "李某"}]}""",
            ByApprover: false);
        yield return new(caseId, $"{caseId}/evidence", $"/cases/{caseId}/evidence", $$"""{"on": "{{on}}", "description": "现场检查笔录"}""", ByApprover: false);
    }
}
