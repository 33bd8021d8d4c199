using System.Collections.Concurrent;
using Ledger.Application;
using Ledger.Application.Access;
using Ledger.Application.Totals;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.Integrity;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Api;

/// <summary>
/// One database the API answers reads from (the primary, or a hot standby replaying its WAL) and the readers over it.
/// A read endpoint takes a <see cref="ReadSide"/> parameter: <see cref="ReadRouting"/> binds it, per request.
/// </summary>
public sealed class ReadSide
{
    public ReadSide(string name, NpgsqlDataSource dataSource, LedgerEventStore store, IClock clock)
    {
        Name = name;
        DataSource = dataSource;
        Store = store;
        Totals = new TotalsReader(dataSource, clock);
        Log = new MerkleLog(dataSource);
        Regions = new CaseRegions(dataSource);
        Dossiers = new DossierExporter(store, Log);
    }

    /// <summary><c>primary</c> or <c>replica</c>, as the <see cref="ReadRouting.ServedByHeader"/> header says.</summary>
    public string Name { get; }

    public NpgsqlDataSource DataSource { get; }
    public LedgerEventStore Store { get; }
    public TotalsReader Totals { get; }
    public MerkleLog Log { get; }
    public CaseRegions Regions { get; }
    public DossierExporter Dossiers { get; }

    /// <summary>Minimal APIs bind a parameter of this type by calling this, after authentication: the side the caller's
    /// reads go to now.</summary>
    public static async ValueTask<ReadSide?> BindAsync(HttpContext http) =>
        await http.RequestServices.GetRequiredService<ReadRouting>().ChooseAsync(http);
}

/// <summary>
/// Sends reads to a hot standby (<c>Ledger:ReadConnection</c>, <c>ledger serve --read-connection</c>) and keeps every
/// caller's own writes visible to them. A write answered 2xx carries the primary's WAL position after it
/// (<see cref="WrittenLsnHeader"/>), and the node remembers it for the caller; a later read by that caller (or one that
/// sends the position back in <see cref="MinimumLsnHeader"/>, for clients that go through several nodes) waits until
/// the standby has replayed that far — at most <c>Ledger:ReadWaitMilliseconds</c> (500) — and is otherwise answered by
/// the primary. Reads of callers with nothing pending go to the standby at once: they see what it has replayed,
/// typically milliseconds behind. A standby that cannot be reached is left alone for a few seconds (reads go to the
/// primary meanwhile). Without a read connection every read goes to the primary and nothing here costs anything.
/// </summary>
public sealed class ReadRouting : IAsyncDisposable
{
    /// <summary>On a write's answer: the primary's WAL position once it was committed (PostgreSQL's <c>pg_lsn</c> text).</summary>
    public const string WrittenLsnHeader = "Ledger-Write-Lsn";
    /// <summary>On a read: answer from a database that has replayed at least this far (a write's <see cref="WrittenLsnHeader"/>).</summary>
    public const string MinimumLsnHeader = "Ledger-Min-Lsn";
    /// <summary>On a read's answer when a standby is configured: <c>primary</c> or <c>replica</c>.</summary>
    public const string ServedByHeader = "Ledger-Read-From";

    private static readonly TimeSpan ReplicaRest = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private readonly ReadSide? replica;
    private readonly TimeSpan wait;
    private readonly ILogger<ReadRouting> logger;
    private readonly ConcurrentDictionary<string, NpgsqlLogSequenceNumber> pendingByCaller = new(StringComparer.Ordinal);
    private ulong replayedSeen;
    private long replicaRestsUntil;
    private bool probeReplica;

    public ReadRouting(ReadSide primary, ReadSide? replica, TimeSpan wait, ILogger<ReadRouting> logger)
    {
        Primary = primary;
        this.replica = replica;
        this.wait = wait;
        this.logger = logger;
    }

    public ReadSide Primary { get; }

    public bool HasReplica => replica is not null;

    /// <summary>The side a read of this request goes to.</summary>
    public async ValueTask<ReadSide> ChooseAsync(HttpContext http)
    {
        if (replica is null) return Primary;
        var needed = Needed(http);
        var side = await ReplicaHasReplayedAsync(needed, http.RequestAborted) ? replica : Primary;
        if (side == replica && needed is { } reached && http.Items[typeof(ApiUser)] is ApiUser caller)
        {
            // Forgotten once the standby is past it: the memory holds only what is still pending.
            pendingByCaller.TryRemove(new KeyValuePair<string, NpgsqlLogSequenceNumber>(caller.Name, reached));
        }
        http.Items[typeof(ReadSide)] = side.Name;
        return side;
    }

    /// <summary>
    /// Middleware, when a standby serves reads. A successful write's answer carries the primary's WAL position (a header,
    /// and remembered for the caller). A read the standby could not answer because it cannot be reached is answered by
    /// the primary instead, once, before anything of it was sent (reads change nothing, so running one again is safe);
    /// the standby then rests a few seconds and is probed before it serves again.
    /// </summary>
    public async Task RouteAsync(HttpContext http, RequestDelegate next)
    {
        if (replica is null)
        {
            await next(http);
            return;
        }
        var method = http.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            if (!HttpMethods.IsOptions(method)) http.Response.OnStarting(() => RememberWriteAsync(http));
            await next(http);
            return;
        }
        // Said as the answer starts: a refusal (404, 400) is written after the exception handler cleared the headers.
        http.Response.OnStarting(() =>
        {
            if (http.Items[typeof(ReadSide)] is string name) http.Response.Headers[ServedByHeader] = name;
            return Task.CompletedTask;
        });
        try
        {
            await next(http);
        }
        catch (Exception e) when (DatabaseErrors.IsUnreachable(e) && !http.Response.HasStarted && http.Items[typeof(ReadSide)] as string == replica.Name
                                  && !http.RequestAborted.IsCancellationRequested)
        {
            ReplicaFailed(e);
            http.Response.Clear();
            await next(http);
        }
    }

    /// <summary>After a read through the standby failed to reach it: rest it a few seconds, then probe it before using it.</summary>
    public void ReplicaFailed(Exception e)
    {
        Interlocked.Exchange(ref replicaRestsUntil, DateTime.UtcNow.Add(ReplicaRest).Ticks);
        Volatile.Write(ref probeReplica, true);
        logger.LogWarning("the read replica cannot be reached ({Message}); reads go to the primary for {Seconds} s", e.Message, ReplicaRest.TotalSeconds);
        replica?.DataSource.Clear();
    }

    /// <summary>The standby's store and data source are the routing's own (the primary's belong to the container).</summary>
    public async ValueTask DisposeAsync()
    {
        if (replica is null) return;
        await replica.Store.DisposeAsync();
        await replica.DataSource.DisposeAsync();
    }

    private async Task RememberWriteAsync(HttpContext http)
    {
        if (http.Response.StatusCode is < 200 or > 299 || http.Items[typeof(ApiUser)] is not ApiUser caller) return;
        NpgsqlLogSequenceNumber written;
        try
        {
            await using var command = Primary.DataSource.CreateCommand("select pg_current_wal_lsn()");
            written = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(http.RequestAborted))!;
        }
        catch (Exception e) when (DatabaseErrors.IsUnreachable(e) || e is OperationCanceledException)
        {
            // The write is committed and answered; only its position is missing, so the caller's next read may be stale.
            logger.LogWarning("the WAL position after a write of {User} could not be read ({Message})", caller.Name, e.Message);
            return;
        }
        http.Response.Headers[WrittenLsnHeader] = written.ToString();
        pendingByCaller.AddOrUpdate(caller.Name, written, (_, earlier) => written > earlier ? written : earlier);
    }

    /// <summary>The position the caller's read must see: the later of what it sent and what it wrote through this node.</summary>
    private NpgsqlLogSequenceNumber? Needed(HttpContext http)
    {
        NpgsqlLogSequenceNumber? needed = null;
        if (http.Request.Headers.TryGetValue(MinimumLsnHeader, out var sent))
        {
            if (sent.Count != 1 || !NpgsqlLogSequenceNumber.TryParse(sent[0]!.Trim(), out var asked))
                throw new ApiProblem(StatusCodes.Status400BadRequest, MinimumLsnHeader,
                    $"is one WAL position such as 0/16B3748, as a write's {WrittenLsnHeader} header gave it (got '{sent}')");
            needed = asked;
        }
        if (http.Items[typeof(ApiUser)] is ApiUser caller && pendingByCaller.TryGetValue(caller.Name, out var wrote) && (needed is null || wrote > needed))
            needed = wrote;
        return needed;
    }

    private async Task<bool> ReplicaHasReplayedAsync(NpgsqlLogSequenceNumber? needed, CancellationToken ct)
    {
        if (DateTime.UtcNow.Ticks < Interlocked.Read(ref replicaRestsUntil)) return false;
        // After a rest, the one request that takes the probe asks the standby first; the others keep to the primary meanwhile.
        var probing = Volatile.Read(ref probeReplica);
        if (probing && !Interlocked.Exchange(ref probeReplica, false)) return false;
        if (!probing && (needed is not { } pending || (ulong)pending <= Volatile.Read(ref replayedSeen))) return true;
        var target = needed is { } required ? (ulong)required : 0UL;
        var deadline = DateTime.UtcNow + wait;
        try
        {
            while (true)
            {
                await using var command = replica!.DataSource.CreateCommand("select pg_last_wal_replay_lsn()");
                // Null when the server is no standby at all (promoted, or a primary given by mistake): then it has everything.
                var replayed = await command.ExecuteScalarAsync(ct) is NpgsqlLogSequenceNumber lsn ? (ulong)lsn : ulong.MaxValue;
                InterlockedMax(ref replayedSeen, replayed);
                if (replayed >= target) return true;
                if (DateTime.UtcNow + PollInterval > deadline) return false;
                await Task.Delay(PollInterval, ct);
            }
        }
        catch (Exception e) when (DatabaseErrors.IsUnreachable(e))
        {
            ReplicaFailed(e);
            return false;
        }
    }

    private static void InterlockedMax(ref ulong location, ulong value)
    {
        var seen = Volatile.Read(ref location);
        while (value > seen)
        {
            var found = Interlocked.CompareExchange(ref location, value, seen);
            if (found == seen) return;
            seen = found;
        }
    }
}
