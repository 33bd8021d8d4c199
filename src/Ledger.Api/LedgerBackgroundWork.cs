using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.EventStore;
using Ledger.Integrity;
using Ledger.Integrity.Signing;

namespace Ledger.Api;

/// <summary>
/// What `ledger serve` does between requests: brings the penalty totals up to date, integrates new events into the
/// verifiable log, and signs a checkpoint now and then (when it has a key) — the work of `ledger projections` and
/// `ledger log follow`, so one process is the whole ledger.
/// </summary>
public sealed class LedgerBackgroundWork(
    LedgerEventStore store, MerkleLog log, LedgerApiSettings settings, ILogger<LedgerBackgroundWork> logger) : BackgroundService
{
    private readonly ProjectionRunner totals = new(store, new PenaltyTotalsProjection(store));
    private DateTime lastCheckpoint = DateTime.MinValue;
    private long lastCheckpointSize = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.BackgroundInterval <= TimeSpan.Zero) return;
        var signer = settings.SigningKeyPath is { } path ? CheckpointKeyFiles.LoadSigner(path) : null;
        if (signer is not null) await log.EnsureCreatedAsync(settings.Origin, signer.Suite, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(signer, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The API keeps serving; the next round tries again. Auditors see the lag in /ready.
                logger.LogError(e, "background work failed: {Message}", e.Message);
            }
            try { await Task.Delay(settings.BackgroundInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>One round: totals, log, and a checkpoint when one is due.</summary>
    public async Task RunOnceAsync(CheckpointSigner? signer, CancellationToken ct)
    {
        var applied = await totals.CatchUpAsync(null, ct, maxWait: TimeSpan.FromSeconds(1));
        if (applied > 0) logger.LogInformation("totals: applied {Events} events", applied);
        if (await log.GetStateAsync(ct) is null) return;
        var integrated = await log.IntegrateAsync(ct: ct);
        if (integrated.LeavesAdded > 0) logger.LogInformation("log: +{Leaves} leaves, size {TreeSize}", integrated.LeavesAdded, integrated.TreeSize);
        if (signer is not null && DateTime.UtcNow - lastCheckpoint >= settings.CheckpointInterval)
        {
            var checkpoint = await log.CheckpointAsync(signer, settings.Origin, ct);
            lastCheckpoint = DateTime.UtcNow;
            // CheckpointAsync signs only when the log grew; otherwise it returns the latest checkpoint again.
            if (checkpoint is not null && checkpoint.TreeSize != lastCheckpointSize)
                logger.LogInformation("log: checkpoint at size {TreeSize}, signed {IssuedAt}", checkpoint.TreeSize, checkpoint.IssuedAt);
            lastCheckpointSize = checkpoint?.TreeSize ?? lastCheckpointSize;
        }
    }
}
