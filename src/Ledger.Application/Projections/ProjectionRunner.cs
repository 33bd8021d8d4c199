using System.Globalization;
using Ledger.EventStore;
using NodaTime;
using Npgsql;

namespace Ledger.Application.Projections;

/// <summary>
/// A read model built from the commit-ordered log. The runner calls <see cref="ApplyAsync"/> inside the transaction
/// that also advances the projection's checkpoint, so the rows and the checkpoint commit together or not at all.
/// </summary>
public interface IProjection
{
    /// <summary>The name in <c>ledger.projections</c>.</summary>
    string Name { get; }

    /// <summary>Empties the projection's tables before a rebuild (inside the rebuild's transaction).</summary>
    Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);

    /// <summary>Finishes a rebuild after the last event, inside its transaction (e.g. summing what was loaded in bulk).</summary>
    Task CompleteRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);

    /// <summary>Applies events, in commit order, inside <paramref name="transaction"/>.</summary>
    Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);

    /// <summary>The transaction of the last <see cref="ApplyAsync"/> committed: in-memory state may be kept.</summary>
    void Committed();

    /// <summary>The transaction of the last <see cref="ApplyAsync"/> rolled back: in-memory state from it must go.</summary>
    void RolledBack();
}

/// <summary>Where a projection stands and how far behind the log it is.</summary>
public sealed record ProjectionStatus(
    string Name, GlobalCheckpoint Checkpoint, long EventsApplied, Instant? LastRecordedAt, Instant UpdatedAt, Instant? RebuiltAt, long EventsBehind);

/// <summary>Another runner advanced the projection first; this runner's batch was rolled back and is read again.</summary>
public sealed class ProjectionConflictException(string name) : Exception($"projection {name} was advanced by another runner");

/// <summary>Progress of a catch-up or rebuild: events applied so far, and the number the log held when it started.</summary>
public readonly record struct ProjectionProgress(long Applied, long Total);

/// <summary>
/// Runs a projection: reads the log after its checkpoint (commit order, never skipping a late commit), applies a
/// batch and advances the checkpoint in one transaction with a guarded update — the checkpoint moves only if it is
/// still where this runner read it, so a crash or a second runner never counts an event twice or skips one.
/// </summary>
public sealed class ProjectionRunner(LedgerEventStore store, IProjection projection, int batchSize = 2_000)
{
    /// <summary>The projection this runner drives.</summary>
    public IProjection Projection => projection;

    /// <summary>Applies the next batch; returns how many events it applied (0 when caught up).</summary>
    public async Task<int> RunBatchAsync(CancellationToken ct = default)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            // Runners take turns on the projection's row, so a second runner waits and then starts after the
            // first one's batch instead of applying it again.
            var from = await LockCheckpointAsync(connection, transaction, ct);
            var page = await store.ReadAllAsync(from, batchSize, ct);
            if (page.Events.Count == 0) return 0;
            await projection.ApplyAsync(page.Events, connection, transaction, ct);
            if (!await AdvanceAsync(connection, transaction, from, page, ct)) throw new ProjectionConflictException(projection.Name);
            await transaction.CommitAsync(ct);
            projection.Committed();
            return page.Events.Count;
        }
        catch
        {
            projection.RolledBack();
            throw;
        }
    }

    private async Task<GlobalCheckpoint> LockCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var select = new NpgsqlCommand(
            "select transaction_id::text, position from ledger.projections where name = $1 for update", connection, transaction);
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new Ledger.Domain.DomainRuleViolation("name", $"there is no projection named '{projection.Name}'");
        return new GlobalCheckpoint(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1));
    }

    /// <summary>
    /// Applies batches until every event committed before the call is applied; returns how many it applied. The
    /// commit-order reader never passes a transaction still running anywhere in the cluster (it may yet commit a
    /// lower position), so this waits for such transactions, at most <paramref name="maxWait"/> (default 30 s);
    /// after that it returns and the projection's status shows what is still behind.
    /// </summary>
    public async Task<long> CatchUpAsync(Action<ProjectionProgress>? progress = null, CancellationToken ct = default, TimeSpan? maxWait = null)
    {
        var total = progress is null ? 0 : (await StatusAsync(store.DataSource, projection.Name, ct)).EventsBehind;
        long target;
        await using (var last = store.DataSource.CreateCommand("select coalesce(max(position), 0) from ledger.events"))
            target = (long)(await last.ExecuteScalarAsync(ct))!;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var wait = maxWait ?? TimeSpan.FromSeconds(30);
        long applied = 0;
        while (true)
        {
            int count;
            try
            {
                count = await RunBatchAsync(ct);
            }
            catch (ProjectionConflictException)
            {
                continue; // another runner applied that batch; read the checkpoint again
            }
            applied += count;
            if (count > 0) progress?.Invoke(new ProjectionProgress(applied, Math.Max(total, applied)));
            // A full batch says more is readable now: go on. Otherwise done once what was committed before the call is
            // applied — not when no event is left: while writers keep committing there always is one, and the caller's
            // other work (the log, checkpoints) would wait for a pause in the load (found by the failover drill).
            if (count == batchSize && waited.Elapsed <= wait) continue;
            if (!await BehindAsync(target, ct) || waited.Elapsed > wait) return applied;
            if (count == 0) await Task.Delay(20, ct);
        }
    }

    /// <summary>True while a committed event at or below <paramref name="position"/> is not yet applied.</summary>
    private async Task<bool> BehindAsync(long position, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand(
            "select exists (select 1 from ledger.events e join ledger.projections p on p.name = $1 " +
            "where (e.transaction_id, e.position) > (p.transaction_id, p.position) and e.position <= $2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Rebuilds from the first event in one transaction: readers keep the old figures until the new ones commit,
    /// and a crash part-way leaves the old ones in place. Other runners wait on the projection's row meanwhile.
    /// </summary>
    public async Task<long> RebuildAsync(Action<ProjectionProgress>? progress = null, int pageSize = 50_000, CancellationToken ct = default)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await LockCheckpointAsync(connection, transaction, ct);
            await projection.ResetAsync(connection, transaction, ct);
            long total;
            await using (var count = new NpgsqlCommand("select count(*) from ledger.events", connection, transaction))
                total = (long)(await count.ExecuteScalarAsync(ct))!;

            long applied = 0;
            var checkpoint = GlobalCheckpoint.Start;
            AllEventsPage? last = null;
            // Reading the next page (another connection) overlaps with applying this one.
            var reading = store.ReadAllAsync(checkpoint, pageSize, ct);
            while (true)
            {
                var page = await reading;
                if (page.Events.Count == 0) break;
                reading = store.ReadAllAsync(page.Next, pageSize, ct);
                await projection.ApplyAsync(page.Events, connection, transaction, ct);
                applied += page.Events.Count;
                checkpoint = page.Next;
                last = page;
                progress?.Invoke(new ProjectionProgress(applied, Math.Max(total, applied)));
            }
            await projection.CompleteRebuildAsync(connection, transaction, ct);

            await using (var reset = new NpgsqlCommand(
                "update ledger.projections set transaction_id = $2::text::xid8, position = $3, events_applied = $4, " +
                "last_recorded_at = $5, updated_at = now(), rebuilt_at = now() where name = $1", connection, transaction))
            {
                reset.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
                reset.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.TransactionId.ToString(CultureInfo.InvariantCulture) });
                reset.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint.Position });
                reset.Parameters.Add(new NpgsqlParameter<long> { TypedValue = applied });
                reset.Parameters.Add(new NpgsqlParameter<Instant?> { TypedValue = last?.Events[^1].RecordedAt });
                await reset.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            projection.Committed();
            return applied;
        }
        catch
        {
            projection.RolledBack();
            throw;
        }
    }

    private async Task<bool> AdvanceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, GlobalCheckpoint from, AllEventsPage page, CancellationToken ct)
    {
        await using var update = new NpgsqlCommand(
            "update ledger.projections set transaction_id = $4::text::xid8, position = $5, events_applied = events_applied + $6, " +
            "last_recorded_at = $7, updated_at = now() where name = $1 and transaction_id = $2::text::xid8 and position = $3", connection, transaction);
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = from.TransactionId.ToString(CultureInfo.InvariantCulture) });
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from.Position });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.Next.TransactionId.ToString(CultureInfo.InvariantCulture) });
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = page.Next.Position });
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = page.Events.Count });
        update.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = page.Events[^1].RecordedAt });
        return await update.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Every projection's place, and how many committed events it has yet to apply.</summary>
    public static async Task<IReadOnlyList<ProjectionStatus>> StatusAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(StatusSql + " order by p.name");
        return await ReadStatusAsync(command, ct);
    }

    /// <summary>One projection's place; throws when no projection has that name.</summary>
    public static async Task<ProjectionStatus> StatusAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(StatusSql + " where p.name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        var found = await ReadStatusAsync(command, ct);
        return found.Count == 1 ? found[0] : throw new Ledger.Domain.DomainRuleViolation("name", $"there is no projection named '{name}'");
    }

    private const string StatusSql =
        "select p.name, p.transaction_id::text, p.position, p.events_applied, p.last_recorded_at, p.updated_at, p.rebuilt_at, " +
        "(select count(*) from ledger.events e where (e.transaction_id, e.position) > (p.transaction_id, p.position)) " +
        "from ledger.projections p";

    private static async Task<IReadOnlyList<ProjectionStatus>> ReadStatusAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var result = new List<ProjectionStatus>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new ProjectionStatus(
                reader.GetString(0),
                new GlobalCheckpoint(ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetInt64(2)),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<Instant>(4),
                reader.GetFieldValue<Instant>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<Instant>(6),
                reader.GetInt64(7)));
        }
        return result;
    }
}
