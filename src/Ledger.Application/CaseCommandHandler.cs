using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using NodaTime;

namespace Ledger.Application;

/// <summary>Who sends a command, its idempotency key, and optionally the case version the sender saw (If-Match).</summary>
public sealed record CommandEnvelope(string CaseId, string Actor, string IdempotencyKey, long? ExpectedVersion = null);

/// <summary>
/// What a command recorded: the case's versions it occupies and the event types. <see cref="AlreadyApplied"/> is
/// true when the same idempotency key had been handled before: nothing new was written and this is the original outcome.
/// </summary>
public sealed record CommandOutcome(string CaseId, long FromVersion, long ToVersion, IReadOnlyList<string> EventTypes, bool AlreadyApplied, Instant RecordedAt);

/// <summary>
/// Loads a case, decides, and appends with the expected version; the case view is written in the same transaction.
/// On a concurrent change it reloads and decides again, a bounded number of times, unless the sender pinned the
/// version it saw. Event ids derive from the case id and the idempotency key, so a retried command finds its first
/// attempt's events and returns that outcome instead of deciding again.
/// </summary>
public sealed class CaseCommandHandler(PostgresEventStore store, IClock clock, Func<Instant, DecisionContext>? contextAt = null, int maxAttempts = 5)
{
    private const int MaxEventsPerCommand = 16;
    private readonly Func<Instant, DecisionContext> contextAt = contextAt ?? DecisionContext.At;

    /// <summary>Handles one command; throws <see cref="DomainRuleViolation"/> or <see cref="ConcurrencyException"/>, writing nothing.</summary>
    public async Task<CommandOutcome> HandleAsync(CommandEnvelope envelope, CaseCommand command, CancellationToken ct = default)
    {
        CaseIds.Validate(envelope.CaseId);
        if (string.IsNullOrWhiteSpace(envelope.Actor)) throw new DomainRuleViolation("actor", "every command names who records it");
        if (string.IsNullOrWhiteSpace(envelope.IdempotencyKey) || envelope.IdempotencyKey.Length > 200)
            throw new DomainRuleViolation("idempotency_key", "every command carries an idempotency key of 1 to 200 characters");

        if (await FindEarlierOutcomeAsync(envelope, command, ct) is { } earlier) return earlier;

        for (var attempt = 1; ; attempt++)
        {
            var history = await CaseHistory.LoadAsync(store, envelope.CaseId, ct: ct);
            var state = history.State;
            if (envelope.ExpectedVersion is { } expected && expected != state.Version)
                throw new ConcurrencyException(envelope.CaseId, ExpectedVersion.Exactly(expected), state.Version);

            var context = contextAt(clock.GetCurrentInstant());
            var events = CaseModel.Decide(command, state, context);
            if (events.Count > MaxEventsPerCommand) throw new InvalidOperationException("a command decided more events than the handler allows");
            var newEvents = events.Select((e, i) => new NewEvent(EventIdFor(envelope, i), CaseEventSerializer.TypeNameOf(e), CaseEventSerializer.SerializeToElement(e))).ToList();
            var metadata = new EventMetadata(envelope.Actor, DeterministicId.From($"ledger/command/{envelope.CaseId}/{envelope.IdempotencyKey}"),
                Command: command.Name, IdempotencyKey: envelope.IdempotencyKey).ToJson();
            var request = new AppendRequest(envelope.CaseId, CaseHistory.StreamType,
                state.Version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(state.Version), newEvents, metadata);

            try
            {
                await using var connection = await store.DataSource.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var result = await store.AppendAsync(request, connection, transaction, ct);
                if (!result.AlreadyRecorded)
                {
                    var after = events.Aggregate(state, CaseModel.Evolve);
                    await CaseViewWriter.UpsertAsync(connection, transaction, envelope.CaseId, after, context.Calendar, context.Today, result.RecordedAt!.Value, ct);
                }
                await transaction.CommitAsync(ct);
                return new CommandOutcome(envelope.CaseId, result.StreamVersion - events.Count + 1, result.StreamVersion,
                    [.. newEvents.Select(e => e.Type)], result.AlreadyRecorded, result.RecordedAt ?? clock.GetCurrentInstant());
            }
            catch (ConcurrencyException) when (envelope.ExpectedVersion is null && attempt < maxAttempts)
            {
                // Someone else changed the case between our read and our append: decide again on the new state.
            }
            catch (EventIdReusedException)
            {
                throw new DomainRuleViolation("idempotency_key", $"'{envelope.IdempotencyKey}' was already used for a different command on case {envelope.CaseId}");
            }
        }
    }

    private static Guid EventIdFor(CommandEnvelope envelope, int index) =>
        DeterministicId.From($"ledger/case-command/{envelope.CaseId}/{envelope.IdempotencyKey}/{index}");

    private async Task<CommandOutcome?> FindEarlierOutcomeAsync(CommandEnvelope envelope, CaseCommand command, CancellationToken ct)
    {
        var first = await store.ReadEventAsync(EventIdFor(envelope, 0), ct);
        if (first is null) return null;
        var earlierCommand = CaseHistoryEntry.MetadataText(first, "command");
        if (earlierCommand != command.Name)
            throw new DomainRuleViolation("idempotency_key", $"'{envelope.IdempotencyKey}' was already used on case {envelope.CaseId} for {earlierCommand}, not {command.Name}");
        var types = new List<string> { first.Type };
        var last = first;
        for (var i = 1; i < MaxEventsPerCommand && await store.ReadEventAsync(EventIdFor(envelope, i), ct) is { } next; i++)
        {
            types.Add(next.Type);
            last = next;
        }
        return new CommandOutcome(envelope.CaseId, first.Version, last.Version, types, AlreadyApplied: true, first.RecordedAt);
    }
}
