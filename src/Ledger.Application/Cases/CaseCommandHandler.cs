using Ledger.Application.Messaging;
using Ledger.Application.Referrals;
using Ledger.Application.Typical;
using Ledger.Domain;
using Ledger.Domain.Calendar;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using NodaTime;
using Npgsql;

namespace Ledger.Application.Cases;

/// <summary>Who sends a command, its idempotency key, and optionally the case version the sender saw (If-Match).</summary>
public sealed record CommandEnvelope(string CaseId, string Actor, string IdempotencyKey, long? ExpectedVersion = null);

/// <summary>
/// What a command recorded: the case's versions it occupies and the event types. <see cref="AlreadyApplied"/> is
/// true when the same idempotency key had been handled before: nothing new was written and this is the original outcome.
/// </summary>
public sealed record CommandOutcome(string CaseId, long FromVersion, long ToVersion, IReadOnlyList<string> EventTypes, bool AlreadyApplied, Instant RecordedAt);

/// <summary>One action of a sequence on a case (an import): the command, who recorded it under which key, and when its source recorded it.</summary>
public sealed record SequencedCommand(CaseCommand Command, string Actor, string IdempotencyKey, Instant? RecordedInSource);

/// <summary>The command at <see cref="Index"/> of a sequence was refused; nothing of the sequence was written.</summary>
public sealed class CommandInSequenceRefused(int index, DomainRuleViolation violation) : Exception($"command {index}: {violation.Message}", violation)
{
    /// <summary>Which command of the sequence.</summary>
    public int Index { get; } = index;
    /// <summary>The field and rule.</summary>
    public DomainRuleViolation Violation { get; } = violation;
}

/// <summary>
/// Loads a case, decides, and appends with the expected version; the case view is written in the same transaction
/// (<see cref="CaseViewProjection"/>, Marten's inline projection).
/// On a concurrent change it reloads and decides again, a bounded number of times, unless the sender pinned the
/// version it saw. Event ids derive from the case id and the idempotency key, so a retried command finds its first
/// attempt's events and returns that outcome instead of deciding again.
/// </summary>
public sealed class CaseCommandHandler(
    LedgerEventStore store, IClock clock, Func<Instant, DecisionContext>? contextAt = null, int maxAttempts = 5, CaseOutbox? outbox = null, TypicalCaseSelections? selections = null)
{
    private const int MaxEventsPerCommand = 16;

    /// <summary>The longest idempotency key a command may carry.</summary>
    public const int MaxIdempotencyKeyLength = 200;
    private readonly Func<Instant, DecisionContext> contextAt = contextAt ?? DecisionContext.At;

    /// <summary>Handles one command; throws <see cref="DomainRuleViolation"/> or <see cref="ConcurrencyException"/>, writing nothing.</summary>
    public Task<CommandOutcome> HandleAsync(CommandEnvelope envelope, CaseCommand command, CancellationToken ct = default) =>
        HandleAsync(envelope, command, authorize: null, ct);

    /// <summary>
    /// Handles one command, first letting <paramref name="authorize"/> refuse it on the case as loaded (the API's region
    /// scope: one read of the case serves the check, the replay of a retry and the decision). Throws what
    /// <paramref name="authorize"/> throws, <see cref="DomainRuleViolation"/> or <see cref="ConcurrencyException"/>,
    /// writing nothing.
    /// </summary>
    public Task<CommandOutcome> HandleAsync(CommandEnvelope envelope, CaseCommand command, Action<CaseState>? authorize, CancellationToken ct = default) =>
        HandleAsync(envelope, () => command, authorize, ct);

    /// <summary>
    /// As above, with the command read only once <paramref name="authorize"/> has let the caller act on the case: so a
    /// caller outside the case's scope learns nothing from how their body would have been refused (the API answers them
    /// as if the case did not exist, whatever they sent).
    /// </summary>
    public async Task<CommandOutcome> HandleAsync(CommandEnvelope envelope, Func<CaseCommand> readCommand, Action<CaseState>? authorize, CancellationToken ct = default)
    {
        CaseIds.Validate(envelope.CaseId);
        CheckEnvelope(envelope);

        (CaseCommand Command, string Fingerprint)? read = null;
        for (var attempt = 1; ; attempt++)
        {
            var history = await CaseHistory.LoadAsync(store, envelope.CaseId, ct: ct);
            var state = history.State;
            authorize?.Invoke(state);
            if (read is null)
            {
                var readOnce = readCommand();
                CaseIds.RequireRegionPrefix(envelope.CaseId, readOnce);
                read = (readOnce, KeyedCommand.Fingerprint(readOnce));
            }
            var (command, fingerprint) = read.Value;
            // A retry finds its first attempt's events in the stream it just read.
            if (EarlierOutcome(envelope, command, fingerprint, history.Entries.Select(e => e.Recorded).ToList()) is { } earlier) return earlier;
            if (envelope.ExpectedVersion is { } expected && expected != state.Version)
            {
                // A duplicate in flight when we first looked may have committed since: its outcome is ours.
                if (await FindEarlierOutcomeAsync(envelope, command, fingerprint, ct) is { } first) return first;
                throw new ConcurrencyException(envelope.CaseId, ExpectedVersion.Exactly(expected), state.Version);
            }

            var context = contextAt(clock.GetCurrentInstant());
            var events = CaseModel.Decide(command, state, context);
            var request = AppendRequestFor(envelope, command, fingerprint, events, state, source: null, recordedInSource: null);
            // The case view is Marten's inline projection, written with the events; it starts from the state decided on.
            if (events.Count > 0) CaseViewProjection.DecidedOn(events[0], state, context);

            var messages = await MessagesOfAsync(envelope.CaseId, history, [request], ct);
            try
            {
                var result = messages.IsEmpty
                    ? await store.AppendAsync(request, ct)
                    : await outbox!.WriteWithMessagesAsync(envelope.CaseId, messages,
                        (connection, transaction) => store.AppendAsync(request, connection, transaction, ct), r => !r.AlreadyRecorded, ct);
                return new CommandOutcome(envelope.CaseId, result.StreamVersion - events.Count + 1, result.StreamVersion,
                    [.. events.Select(CaseEventSerializer.TypeNameOf)], result.AlreadyRecorded, result.RecordedAt ?? clock.GetCurrentInstant());
            }
            catch (Exception e) when (e is ConcurrencyException or EventIdReusedException)
            {
                // A duplicate of this command may have been in flight and committed first (its row lock made us wait
                // for it): then its outcome is ours, whatever version we pinned.
                if (await FindEarlierOutcomeAsync(envelope, command, fingerprint, ct) is { } first) return first;
                if (e is EventIdReusedException)
                    throw new DomainRuleViolation("idempotency_key", $"'{envelope.IdempotencyKey}' was already used for a different command on case {envelope.CaseId}");
                if (envelope.ExpectedVersion is not null || attempt >= maxAttempts) throw;
                // Someone else changed the case between our read and our append: decide again on the new state, after
                // a short random pause so that racing writers do not collide again in step.
                await Task.Delay(Random.Shared.Next(1, 5 << attempt), ct);
            }
        }
    }

    /// <summary>
    /// Records a sequence of actions on one case — an import — in one transaction: each command is decided on the state
    /// the ones before it made, at the instant its source recorded it (or now), and appended with that instant; commands
    /// whose idempotency key the case already holds are skipped, so a re-import writes nothing. The case view is written
    /// once, with the events. Throws <see cref="CommandInSequenceRefused"/> naming the command that was refused; nothing of
    /// the sequence is then written.
    /// </summary>
    /// <remarks>All the sequence's events go to the store in one round trip. When the store refuses that as a whole
    /// (an import instant out of order, an event id taken), the sequence is appended again one command at a time in a
    /// new transaction, only to learn which command it was; that one is refused too, and nothing is written.
    /// <paramref name="believedNew"/> (the caller just saw no such case) skips reading the case on the first attempt: the
    /// append then expects no stream, so a case created meanwhile is a conflict, read and decided again like any other.</remarks>
    public async Task<IReadOnlyList<CommandOutcome>> HandleSequenceAsync(
        string caseId, IReadOnlyList<SequencedCommand> commands, string source, bool believedNew = false, CancellationToken ct = default)
    {
        CaseIds.Validate(caseId);
        for (var attempt = 1; ; attempt++)
        {
            var history = believedNew && attempt == 1
                ? new CaseHistory(caseId, [], CaseState.Initial)
                : await CaseHistory.LoadAsync(store, caseId, ct: ct);
            var plan = PlanSequence(caseId, commands, source, history);
            if (plan.Appends.Count == 0) return plan.Outcomes();
            try
            {
                CaseViewProjection.DecidedOn((CaseEvent)plan.Appends[0].Request.Events[0].Data, history.State, contextAt(clock.GetCurrentInstant()));
                var requests = plan.Appends.Select(a => a.Request).ToList();
                var messages = await MessagesOfAsync(caseId, history, requests, ct);
                var results = messages.IsEmpty
                    ? await store.AppendSequenceAsync(requests, null, null, ct)
                    : await outbox!.WriteWithMessagesAsync(caseId, messages,
                        (connection, transaction) => store.AppendSequenceAsync(requests, connection, transaction, ct), r => r.Any(a => !a.AlreadyRecorded), ct);
                for (var i = 0; i < results.Count; i++) plan.Record(plan.Appends[i], results[i]);
                return plan.Outcomes();
            }
            catch (ConcurrencyException) when (attempt < maxAttempts)
            {
                // Someone recorded an action on the case meanwhile: decide the whole sequence again on the new state.
            }
            catch (EventStoreException e) when (e is not ConcurrencyException)
            {
                await AppendOneByOneAsync(caseId, plan, ct);
                throw new InvalidOperationException($"case {caseId}: the store refused the sequence as a whole ({e.Message}) but each of its appends alone", e);
            }
        }
    }

    /// <summary>The sequence decided: what each command appends (or that it was recorded before), and the state after.</summary>
    private sealed class SequencePlan(string caseId, IReadOnlyList<SequencedCommand> commands, Instant now)
    {
        public sealed record PlannedAppend(int Index, AppendRequest Request, IReadOnlyList<string> EventTypes);

        private readonly CommandOutcome?[] _outcomes = new CommandOutcome?[commands.Count];

        public List<PlannedAppend> Appends { get; } = [];
        public CaseState State { get; set; } = CaseState.Initial;

        public void Skip(int index) =>
            _outcomes[index] = new CommandOutcome(caseId, 0, 0, [], AlreadyApplied: true, commands[index].RecordedInSource ?? now);

        public void Record(PlannedAppend append, AppendResult result) =>
            _outcomes[append.Index] = new CommandOutcome(caseId, result.StreamVersion - append.EventTypes.Count + 1, result.StreamVersion,
                append.EventTypes, result.AlreadyRecorded, result.RecordedAt ?? now);

        public IReadOnlyList<CommandOutcome> Outcomes() => [.. _outcomes.Select(o => o ?? throw new InvalidOperationException("a command of the sequence has no outcome"))];
    }

    private SequencePlan PlanSequence(string caseId, IReadOnlyList<SequencedCommand> commands, string source, CaseHistory history)
    {
        var recordedKeys = history.CommandsByIdempotencyKey();
        var plan = new SequencePlan(caseId, commands, clock.GetCurrentInstant()) { State = history.State };
        for (var index = 0; index < commands.Count; index++)
        {
            var item = commands[index];
            var envelope = new CommandEnvelope(caseId, item.Actor, item.IdempotencyKey);
            try
            {
                var fingerprint = KeyedCommand.Fingerprint(item.Command);
                if (recordedKeys.TryGetValue(item.IdempotencyKey, out var earlier))
                {
                    if (earlier.RefusalOf(item.IdempotencyKey, $"case {caseId}", item.Command.Name, item.Actor, fingerprint) is { } refusal)
                        throw new DomainRuleViolation("idempotency_key", refusal);
                    plan.Skip(index);
                    continue;
                }
                CheckEnvelope(envelope);
                CaseIds.RequireRegionPrefix(caseId, item.Command);
                var events = CaseModel.Decide(item.Command, plan.State, contextAt(item.RecordedInSource ?? clock.GetCurrentInstant()));
                var request = AppendRequestFor(envelope, item.Command, fingerprint, events, plan.State, source, item.RecordedInSource);
                plan.State = events.Aggregate(plan.State, CaseModel.Evolve);
                if (events.Count > 0) plan.Appends.Add(new(index, request, [.. events.Select(CaseEventSerializer.TypeNameOf)]));
                else plan.Record(new(index, request, []), new AppendResult(plan.State.Version, null, null, null, AlreadyRecorded: false));
            }
            catch (DomainRuleViolation violation)
            {
                throw new CommandInSequenceRefused(index, violation);
            }
        }
        return plan;
    }

    /// <summary>Appends the plan's commands one at a time in one transaction, never committed: the refusal names the
    /// command it is about.</summary>
    private async Task AppendOneByOneAsync(string caseId, SequencePlan plan, CancellationToken ct)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var append in plan.Appends)
        {
            try
            {
                await store.AppendAsync(append.Request, connection, transaction, ct);
            }
            catch (EventStoreValidationException e) when (e.Field == "recordedInSource")
            {
                throw new CommandInSequenceRefused(append.Index, new DomainRuleViolation("recorded_at", e.Rule));
            }
            catch (EventIdReusedException)
            {
                throw new CommandInSequenceRefused(append.Index, new DomainRuleViolation("idempotency_key",
                    $"'{append.Request.Metadata.GetProperty("idempotency_key").GetString()}' was already used for a different command on case {caseId}"));
            }
        }
        await transaction.RollbackAsync(ct);
    }

    /// <summary>What the appends of <paramref name="requests"/> to the case of <paramref name="history"/> send besides
    /// their events: the reminders of the deadlines they set or move (a published typical case's withdrawal among them),
    /// and their referrals to other authorities (nothing without an outbox).</summary>
    private async Task<CaseMessages> MessagesOfAsync(string caseId, CaseHistory history, IReadOnlyList<AppendRequest> requests, CancellationToken ct)
    {
        if (outbox is null || requests.All(r => r.Events.Count == 0)) return CaseMessages.None;
        var before = history.State;
        var after = before;
        var referrals = new List<BureauReferral>();
        var added = new List<CaseEvent>();
        foreach (var newEvent in requests.SelectMany(r => r.Events))
        {
            var @event = (CaseEvent)newEvent.Data;
            added.Add(@event);
            after = CaseModel.Evolve(after, @event);
            if (BureauReferral.Of(newEvent.EventId, @event, caseId, after.Region) is { } referral) referrals.Add(referral);
        }
        var deadlines = DeadlineReminders.Plan(before, after, WorkingDayCalendar.China, Today());
        if (selections is not null)
            deadlines = [.. deadlines, .. await selections.WithdrawalsCalledForAsync(caseId, history.Entries.Select(e => e.Event), before, added, ct)];
        return new CaseMessages(after.Region, deadlines, referrals);
    }

    private LocalDate Today() => DeadlineReminders.DateAt(clock.GetCurrentInstant());

    private static void CheckEnvelope(CommandEnvelope envelope)
    {
        if (string.IsNullOrWhiteSpace(envelope.Actor)) throw new DomainRuleViolation("actor", "every command names who records it");
        if (string.IsNullOrWhiteSpace(envelope.IdempotencyKey) || envelope.IdempotencyKey.Length > MaxIdempotencyKeyLength)
            throw new DomainRuleViolation("idempotency_key", $"every command carries an idempotency key of 1 to {MaxIdempotencyKeyLength} characters");
    }

    private static AppendRequest AppendRequestFor(
        CommandEnvelope envelope, CaseCommand command, string fingerprint, IReadOnlyList<CaseEvent> events, CaseState state, string? source, Instant? recordedInSource)
    {
        if (events.Count > MaxEventsPerCommand) throw new InvalidOperationException("a command decided more events than the handler allows");
        var newEvents = events.Select((e, i) => new NewEvent(EventIdFor(envelope, i), e)).ToList();
        var metadata = new EventMetadata(envelope.Actor, DeterministicId.From($"ledger/command/{envelope.CaseId}/{envelope.IdempotencyKey}"),
            Command: command.Name, IdempotencyKey: envelope.IdempotencyKey, Source: source, CommandSha256: fingerprint).ToJson();
        return new AppendRequest(envelope.CaseId, CaseHistory.StreamType,
            state.Version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(state.Version), newEvents, metadata, recordedInSource);
    }

    private static Guid EventIdFor(CommandEnvelope envelope, int index) =>
        DeterministicId.From($"ledger/case-command/{envelope.CaseId}/{envelope.IdempotencyKey}/{index}");

    /// <summary>The outcome of this command's first attempt, when it committed (after a conflict: perhaps just now, a
    /// duplicate that was in flight), read by event id.</summary>
    private async Task<CommandOutcome?> FindEarlierOutcomeAsync(CommandEnvelope envelope, CaseCommand command, string fingerprint, CancellationToken ct)
    {
        var recorded = new List<RecordedEvent>();
        for (var i = 0; i < MaxEventsPerCommand && await store.ReadEventAsync(EventIdFor(envelope, i), ct) is { } next; i++) recorded.Add(next);
        return EarlierOutcome(envelope, command, fingerprint, recorded);
    }

    /// <summary>The outcome of this command's first attempt if <paramref name="recorded"/> holds its events (their ids
    /// derive from the case and the key); refused when the key was bound to another caller, command or body.</summary>
    private static CommandOutcome? EarlierOutcome(CommandEnvelope envelope, CaseCommand command, string fingerprint, IReadOnlyList<RecordedEvent> recorded)
    {
        var firstId = EventIdFor(envelope, 0);
        var start = -1;
        for (var i = 0; i < recorded.Count && start < 0; i++) if (recorded[i].EventId == firstId) start = i;
        if (start < 0) return null;
        var first = recorded[start];
        if (KeyedCommand.Of(first).RefusalOf(envelope.IdempotencyKey, $"case {envelope.CaseId}", command.Name, envelope.Actor, fingerprint) is { } refusal)
            throw new DomainRuleViolation("idempotency_key", refusal);
        var events = new List<RecordedEvent> { first };
        while (events.Count < MaxEventsPerCommand && start + events.Count < recorded.Count
               && recorded[start + events.Count].EventId == EventIdFor(envelope, events.Count))
            events.Add(recorded[start + events.Count]);
        return new CommandOutcome(envelope.CaseId, first.Version, events[^1].Version, [.. events.Select(e => e.Type)], AlreadyApplied: true, first.RecordedAt);
    }
}
