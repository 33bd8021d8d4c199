using System.Globalization;
using System.Text;
using Ledger.Application.Cases;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.Domain.Typical;
using Ledger.EventStore;
using NodaTime;
using Npgsql;

namespace Ledger.Application.Typical;

/// <summary>A region's selection of a year's typical cases: one event stream, <c>typical-cases/150000/2020</c>.</summary>
public sealed record SelectionId(RegionCode Region, int Year)
{
    /// <summary>The stream type of selections.</summary>
    public const string StreamType = "typical_case_selection";

    /// <summary>The stream id; the '/' keeps it apart from every case id (which may not hold one).</summary>
    public string StreamId => $"typical-cases/{Region.Value}/{Year.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The selection a stream id (<c>typical-cases/150000/2020</c>) names.</summary>
    public static SelectionId FromStreamId(string streamId) =>
        streamId.Split('/') is ["typical-cases", var region, var year] ? Parse(region, year)
            : throw new DomainRuleViolation("selection", $"'{streamId}' is not a typical-case selection's stream id");

    /// <summary>Parses the region (a GB/T 2260 code) and year (2000–2100) a caller gives, naming the field at fault.</summary>
    public static SelectionId Parse(string? region, string? year)
    {
        var code = RegionCode.Parse(region, "region");
        if (!int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) || y is < 2000 or > 2100)
            throw new DomainRuleViolation("year", $"a year from 2000 to 2100, such as 2020 (got '{year}')");
        return new SelectionId(code, y);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Redaction.PublishedPlace(Region)} ({Region.Value}) {Year}";
}

/// <summary>One recorded event of a selection, as stored and as the domain reads it.</summary>
public sealed record SelectionHistoryEntry(RecordedEvent Recorded, SelectionEvent Event)
{
    /// <summary>Who recorded it.</summary>
    public string Actor => CaseHistoryEntry.MetadataText(Recorded, "actor") ?? "";
}

/// <summary>A selection's history and the state it makes, with the case files of the cases it names as they now stand.</summary>
public sealed record SelectionView(
    SelectionId Id, IReadOnlyList<SelectionHistoryEntry> History, SelectionState State, IReadOnlyDictionary<string, CaseFile> Cases,
    IReadOnlyList<WithdrawalDue> WithdrawalsDue);

/// <summary>What a selection command recorded; <see cref="AlreadyApplied"/> when its idempotency key had been handled before.</summary>
public sealed record SelectionOutcome(SelectionId Id, long FromVersion, long ToVersion, IReadOnlyList<string> EventTypes, bool AlreadyApplied);

/// <summary>A published artefact as stored, and whether its bytes still match the publication event's hash and a fresh rendering.</summary>
public sealed record PublishedArtefact(int Edition, string Format, string MediaType, byte[] Content, string RecordedSha256, bool MatchesStoredHash, bool MatchesRendering)
{
    /// <summary>The content as text (UTF-8).</summary>
    public string Text => Encoding.UTF8.GetString(Content);
}

/// <summary>
/// Handles selection commands the way <see cref="CaseCommandHandler"/> handles case commands: load the selection and
/// the cases it names, decide, append with the expected version (retrying a few times on a concurrent change), and
/// — for a publication — store the artefacts in the same transaction. Event ids derive from the idempotency key, so a
/// retried command returns its first outcome and writes nothing.
/// </summary>
public sealed class TypicalCaseSelections(LedgerEventStore store, IClock clock, int maxAttempts = 5)
{
    /// <summary>Loads the selection's history (up to <paramref name="toVersion"/>) and folds it.</summary>
    public async Task<(IReadOnlyList<SelectionHistoryEntry> History, SelectionState State)> LoadAsync(SelectionId id, long? toVersion = null, CancellationToken ct = default)
    {
        var recorded = await store.ReadStreamAsync(id.StreamId, 1, toVersion ?? long.MaxValue, null, ct);
        var history = recorded.Select(r => new SelectionHistoryEntry(r, SelectionEventSerializer.Deserialize(r.Type, r.Data))).ToList();
        return (history, TypicalSelectionModel.Replay(history.Select(h => h.Event)));
    }

    /// <summary>The name a withdrawal's reminder goes by (<c>typical_withdrawal:typical-cases/140000/2025</c>).</summary>
    public static string WithdrawalDeadlineName(SelectionId id) => $"{WithdrawalDeadlinePrefix}{id.StreamId}";

    private const string WithdrawalDeadlinePrefix = "typical_withdrawal:";

    private const string WithdrawalRule = "《十大典型案例》发布规则: withdraw a published case within 3 working days of the change of its decision";

    /// <summary>
    /// The withdrawals that <paramref name="added"/>, about to be recorded on a case whose events so far are
    /// <paramref name="recorded"/>, will call for: one per published list of typical cases that holds the case (its
    /// county's, city's or province's, of the year it closed), due 3 working days after the change. Read only when the
    /// events change a decision of a closed case.
    /// </summary>
    public async Task<IReadOnlyList<Deadline>> WithdrawalsCalledForAsync(string caseId, IEnumerable<CaseEvent> recorded, CaseState before,
        IReadOnlyList<CaseEvent> added, CancellationToken ct)
    {
        if (before.ClosedOn is not { } closed || before.Region is not { } region
            || !added.Any(e => TypicalSelectionModel.ChangesPublished(e, before.Version))) return [];
        var file = new CaseFile(caseId, [.. recorded, .. added], added.Aggregate(before, CaseModel.Evolve));
        var calendar = DecisionContext.At(clock.GetCurrentInstant()).Calendar;
        var today = clock.GetCurrentInstant().InZone(DecisionContext.Zone).Date;
        var due = new List<Deadline>();
        foreach (var level in new[] { region, region.City, region.Province }.Distinct())
        {
            var id = new SelectionId(level, closed.Year);
            var (_, state) = await LoadAsync(id, ct: ct);
            if (!state.Editions.Any(e => e.Entries.Any(x => x.CaseId == caseId))) continue;
            foreach (var withdrawal in TypicalSelectionModel.WithdrawalsDue(state, new Dictionary<string, CaseFile> { [caseId] = file }, calendar, today))
                if (withdrawal.CaseId == caseId && withdrawal.WithdrawnOn is null)
                    due.Add(new Deadline(WithdrawalDeadlineName(id), WithdrawalRule, withdrawal.DueOn, null, DeadlineStatus.Pending, []));
        }
        return [.. due.DistinctBy(d => (d.Name, d.DueOn))];
    }

    /// <summary>What the reminder of a withdrawal finds on <paramref name="today"/>, or null when
    /// <paramref name="deadline"/> is no withdrawal's.</summary>
    public async Task<ReminderFinding?> CheckWithdrawalAsync(string caseId, string deadline, LocalDate today, CancellationToken ct)
    {
        if (!deadline.StartsWith(WithdrawalDeadlinePrefix, StringComparison.Ordinal)) return null;
        var id = SelectionId.FromStreamId(deadline[WithdrawalDeadlinePrefix.Length..]);
        var open = (await ViewAsync(id, today, ct)).WithdrawalsDue.Where(w => w.CaseId == caseId && w.WithdrawnOn is null).MinBy(w => w.DueOn);
        if (open is null) return new ReminderFinding.Kept();
        var status = open.Overdue ? DeadlineStatus.Overdue : DeadlineStatus.Pending;
        var found = new Deadline(deadline, WithdrawalRule, open.DueOn, null, status, []);
        return open.Overdue ? new ReminderFinding.Overdue(found) : new ReminderFinding.NotYetDue(found);
    }

    /// <summary>The selection with its cases as they stand and the withdrawals its published cases call for on <paramref name="today"/>.</summary>
    public async Task<SelectionView> ViewAsync(SelectionId id, LocalDate? today = null, CancellationToken ct = default)
    {
        var (history, state) = await LoadAsync(id, ct: ct);
        var ids = state.Entries.Select(e => e.CaseId).Concat(state.Editions.SelectMany(e => e.Entries.Select(x => x.CaseId)));
        var cases = await LoadCasesAsync(ids, null, ct);
        var day = today ?? clock.GetCurrentInstant().InZone(DecisionContext.Zone).Date;
        return new SelectionView(id, history, state, cases, TypicalSelectionModel.WithdrawalsDue(state, cases, DecisionContext.At(clock.GetCurrentInstant()).Calendar, day));
    }

    /// <summary>
    /// Decides <paramref name="command"/> and records it as <paramref name="actor"/>; throws <see cref="DomainRuleViolation"/>
    /// (nothing written) when a rule refuses it. <paramref name="recordedInSource"/> is for imports that carry when an
    /// action was recorded in the system of record (the reference dataset); it needs <paramref name="source"/>.
    /// </summary>
    public async Task<SelectionOutcome> HandleAsync(SelectionId id, SelectionCommand command, string actor, string idempotencyKey,
        Instant? recordedInSource = null, string? source = null, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(actor)) throw new DomainRuleViolation("actor", "every command names who records it");
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > CaseCommandHandler.MaxIdempotencyKeyLength)
            throw new DomainRuleViolation("idempotency_key", $"every command carries an idempotency key of 1 to {CaseCommandHandler.MaxIdempotencyKeyLength} characters");
        foreach (var caseId in NamedCases(command)) CaseIds.Validate(caseId);

        var fingerprint = KeyedCommand.Fingerprint(command);
        if (await store.ReadEventAsync(EventIdFor(id, idempotencyKey, 0), ct) is { } first)
        {
            if (KeyedCommand.Of(first).RefusalOf(idempotencyKey, id.ToString(), command.Name, actor, fingerprint) is { } refusal)
                throw new DomainRuleViolation("idempotency_key", refusal);
            // The replay reports every event the command recorded (a first nomination records two), as the first answer did.
            var types = new List<string> { first.Type };
            var last = first;
            while (await store.ReadEventAsync(EventIdFor(id, idempotencyKey, types.Count), ct) is { } next)
            {
                types.Add(next.Type);
                last = next;
            }
            return new SelectionOutcome(id, first.Version, last.Version, types, AlreadyApplied: true);
        }

        for (var attempt = 1; ; attempt++)
        {
            var (_, state) = await LoadAsync(id, ct: ct);
            // An imported command is decided on the cases as the ledger knew them when it was recorded in its source.
            var cases = await LoadCasesAsync(NamedCases(command).Concat(state.Entries.Select(e => e.CaseId)), recordedInSource, ct);
            var events = TypicalSelectionModel.Decide(command, state, new SelectionContext(id.Region, id.Year, cases));
            var newEvents = events.Select((e, i) => new NewEvent(EventIdFor(id, idempotencyKey, i), e)).ToList();
            var metadata = new EventMetadata(actor, DeterministicId.From($"ledger/typical/{id.StreamId}/{idempotencyKey}"),
                Command: command.Name, IdempotencyKey: idempotencyKey, Source: source, CommandSha256: fingerprint).ToJson();
            var request = new AppendRequest(id.StreamId, SelectionId.StreamType,
                state.Version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(state.Version), newEvents, metadata, recordedInSource);
            try
            {
                await using var connection = await store.DataSource.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var result = await store.AppendAsync(request, connection, transaction, ct);
                if (!result.AlreadyRecorded && command is SelectionCommand.PublishSelection publish)
                {
                    var edition = state.Approval!.Edition;
                    await StoreArtefactsAsync(connection, transaction, id, edition, TypicalCasesDocument.Render(state, edition, publish.On), ct);
                }
                await transaction.CommitAsync(ct);
                return new SelectionOutcome(id, result.StreamVersion - events.Count + 1, result.StreamVersion, [.. events.Select(SelectionEventSerializer.TypeNameOf)], result.AlreadyRecorded);
            }
            catch (ConcurrencyException) when (attempt < maxAttempts)
            {
                // Someone else changed the selection between our read and our append: decide again on the new state.
            }
        }
    }

    /// <summary>An edition's artefact in <paramref name="format"/>, as <see cref="ArtefactsAsync"/> gives it.</summary>
    public async Task<PublishedArtefact> ArtefactAsync(SelectionId id, int? edition, string format, CancellationToken ct = default)
    {
        if (RenderedDocuments.Formats.All(f => f.Format != format))
            throw new DomainRuleViolation("format", $"'{format}' is not a published format; use html, markdown or json");
        return (await ArtefactsAsync(id, edition, ct)).Single(a => a.Format == format);
    }

    /// <summary>
    /// Every artefact of edition <paramref name="edition"/> (default: the latest) exactly as stored, each checked against
    /// the hash its publication event recorded and against the edition rendered again from the stream as it stood just
    /// before publication — one read of the stream, one query, one rendering.
    /// </summary>
    public async Task<IReadOnlyList<PublishedArtefact>> ArtefactsAsync(SelectionId id, int? edition, CancellationToken ct = default)
    {
        var (history, state) = await LoadAsync(id, ct: ct);
        if (state.Editions.Count == 0) throw new DomainRuleViolation("edition", $"nothing of {id} is published yet");
        var number = edition ?? state.Editions.Count;
        if (number < 1 || number > state.Editions.Count)
            throw new DomainRuleViolation("edition", $"{id} has editions 1 to {state.Editions.Count}; there is no edition {number}");
        var published = history.Select(h => h.Event).OfType<SelectionEvent.SelectionPublished>().Single(p => p.Edition == number);
        var publicationVersion = state.Editions[number - 1].SelectionVersion;
        var before = TypicalSelectionModel.Replay(history.TakeWhile(h => h.Recorded.Version < publicationVersion).Select(h => h.Event));
        var rendered = TypicalCasesDocument.Render(before, number, published.On);

        await using var command = store.DataSource.CreateCommand(
            "select format, media_type, content from ledger.published_artefacts where stream_id = $1 and edition = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id.StreamId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = number });
        var stored = new Dictionary<string, (string MediaType, byte[] Content)>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) stored[reader.GetString(0)] = (reader.GetString(1), (byte[])reader[2]);

        return [.. published.Documents.Select(recorded =>
        {
            if (!stored.TryGetValue(recorded.Format, out var artefact))
                throw new InvalidOperationException($"edition {number} of {id} is recorded as published but its {recorded.Format} artefact is missing from ledger.published_artefacts");
            return new PublishedArtefact(number, recorded.Format, artefact.MediaType, artefact.Content, recorded.Sha256,
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(artefact.Content)) == recorded.Sha256,
                Encoding.UTF8.GetBytes(rendered.Of(recorded.Format)).AsSpan().SequenceEqual(artefact.Content));
        })];
    }

    /// <summary>The draft of the next edition as it would be published on <paramref name="on"/> (a preview; nothing is stored).</summary>
    public async Task<RenderedDocuments> PreviewAsync(SelectionId id, LocalDate on, CancellationToken ct = default)
    {
        var (_, state) = await LoadAsync(id, ct: ct);
        if (state.Region is null) throw new DomainRuleViolation("selection", $"no selection of {id} is open");
        if (state.Entries.FirstOrDefault(e => e.Text is null) is { } undrafted)
            throw new DomainRuleViolation("selection", $"case {undrafted.CaseId} has no text yet; a preview needs every case drafted");
        return TypicalCasesDocument.Render(state, state.NextEdition, on);
    }

    private static async Task StoreArtefactsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SelectionId id, int edition,
        RenderedDocuments documents, CancellationToken ct)
    {
        foreach (var document in documents.Describe())
        {
            await using var insert = new NpgsqlCommand(
                "insert into ledger.published_artefacts (stream_id, edition, format, media_type, sha256, content) values ($1, $2, $3, $4, $5, $6)",
                connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id.StreamId });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = edition });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = document.Format });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = document.MediaType });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = document.Sha256 });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Encoding.UTF8.GetBytes(documents.Of(document.Format)) });
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task<IReadOnlyDictionary<string, CaseFile>> LoadCasesAsync(IEnumerable<string> caseIds, Instant? asOf, CancellationToken ct)
    {
        var files = new Dictionary<string, CaseFile>(StringComparer.Ordinal);
        foreach (var caseId in caseIds.Distinct())
        {
            var head = await store.GetStreamAsync(caseId, ct);
            if (head is null || head.StreamType != CaseHistory.StreamType) continue;
            var history = await CaseHistory.LoadAsync(store, caseId, asOf: asOf, ct: ct);
            files[caseId] = new CaseFile(caseId, [.. history.Entries.Select(e => e.Event)], history.State);
        }
        return files;
    }

    private static IEnumerable<string> NamedCases(SelectionCommand command) => command switch
    {
        SelectionCommand.NominateCase c => [c.CaseId],
        SelectionCommand.RemoveNomination c => [c.CaseId],
        SelectionCommand.DraftCase c => [c.CaseId],
        SelectionCommand.WithdrawPublishedCase c => [c.CaseId],
        SelectionCommand.RankCases c => c.Order ?? [],
        _ => [],
    };

    private static Guid EventIdFor(SelectionId id, string key, int index) => DeterministicId.From($"ledger/typical-command/{id.StreamId}/{key}/{index}");
}
