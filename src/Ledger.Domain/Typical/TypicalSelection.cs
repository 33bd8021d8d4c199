using NodaTime;

namespace Ledger.Domain.Typical;

/// <summary>
/// A request to a region's selection of a year's typical cases (十大典型案例). The people whose roles the workflow
/// separates — who wrote the selection, who approved it — are fields of the command, as they are of case commands.
/// </summary>
public abstract record SelectionCommand
{
    private SelectionCommand() { }

    /// <summary>The command's name as clients spell it: <c>nominate_case</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Name => SnakeCase.Of(GetType().Name);

    /// <summary>Nominates a closed case of the region and year; the first nomination opens the selection with <paramref name="Naming"/>.</summary>
    public sealed record NominateCase(string CaseId, string By, PersonNaming? Naming = null) : SelectionCommand;
    /// <summary>Takes a nominated case out of the selection before publication.</summary>
    public sealed record RemoveNomination(string CaseId, string Reason, string By) : SelectionCommand;
    /// <summary>
    /// Writes a case's text. Title, facts (案情简介) and outcome (处理结果) left null are generated from the case file,
    /// redacted by construction; what the publisher writes — the significance (典型意义) always — is checked and
    /// refused if it would publish personal data.
    /// </summary>
    public sealed record DraftCase(string CaseId, string? Title, string? Facts, string? Outcome, string Significance, string By) : SelectionCommand;
    /// <summary>Puts the nominated cases in their published order (first = 案例一).</summary>
    public sealed record RankCases(IReadOnlyList<string> Order, string By) : SelectionCommand;
    /// <summary>Reviews and approves the selection as it stands; fewer than ten cases need <paramref name="ShortfallReason"/>.</summary>
    public sealed record ApproveSelection(LocalDate On, string By, string Opinion, string? ShortfallReason) : SelectionCommand;
    /// <summary>Publishes the approved selection as a new edition.</summary>
    public sealed record PublishSelection(LocalDate On, string By) : SelectionCommand;
    /// <summary>Withdraws a published case from publication (its decision was varied or revoked); the next edition corrects the list.</summary>
    public sealed record WithdrawPublishedCase(string CaseId, LocalDate On, string Reason, string By) : SelectionCommand;
}

/// <summary>Something that happened to a selection of typical cases; facts in the past tense, never changed.</summary>
public abstract record SelectionEvent
{
    private SelectionEvent() { }

    /// <summary>The selection of a region's typical cases of a year was opened; natural persons will be named as <paramref name="Naming"/> says.</summary>
    [EventType("typical_selection_opened.v1")]
    public sealed record SelectionOpened(RegionCode Region, int Year, PersonNaming Naming) : SelectionEvent;

    /// <summary>A closed case was nominated, as it stood at <paramref name="CaseVersion"/>.</summary>
    [EventType("typical_case_nominated.v1")]
    public sealed record CaseNominated(string CaseId, long CaseVersion, RegionCode CaseRegion, CaseKind Kind, LocalDate ClosedOn, string By) : SelectionEvent;

    /// <summary>A nominated case was taken out before publication.</summary>
    [EventType("typical_nomination_removed.v1")]
    public sealed record NominationRemoved(string CaseId, string Reason, string By) : SelectionEvent;

    /// <summary>A case's published text was written from the case as it stood at <paramref name="CaseVersion"/>; which parts the publisher wrote is kept.</summary>
    [EventType("typical_case_drafted.v1")]
    public sealed record CaseDrafted(
        string CaseId, long CaseVersion, string Title, string Facts, string Outcome, string Significance,
        IReadOnlyList<string> WrittenByPublisher, string By) : SelectionEvent;

    /// <summary>The cases were put in their published order.</summary>
    [EventType("typical_cases_ranked.v1")]
    public sealed record CasesRanked(IReadOnlyList<string> Order, string By) : SelectionEvent;

    /// <summary>The selection as it stood was reviewed and approved for edition <paramref name="Edition"/>.</summary>
    [EventType("typical_selection_approved.v1")]
    public sealed record SelectionApproved(
        int Edition, LocalDate On, string By, string Opinion, IReadOnlyList<string> CaseIds, string? ShortfallReason) : SelectionEvent;

    /// <summary>
    /// Edition <paramref name="Edition"/> was published; <paramref name="Documents"/> holds the SHA-256 of each artefact
    /// exactly as published, <paramref name="Cases"/> the case versions it tells.
    /// </summary>
    [EventType("typical_selection_published.v1")]
    public sealed record SelectionPublished(
        int Edition, LocalDate On, string By, IReadOnlyList<PublishedDocument> Documents, IReadOnlyList<PublishedCase> Cases) : SelectionEvent;

    /// <summary>A published case was withdrawn from publication; the next edition corrects the list.</summary>
    [EventType("typical_published_case_withdrawn.v1")]
    public sealed record PublishedCaseWithdrawn(string CaseId, int Edition, LocalDate On, string Reason, string By) : SelectionEvent;
}

/// <summary>An artefact of a publication: its format, media type, SHA-256 (lower-case hex) and length in bytes.</summary>
public sealed record PublishedDocument(string Format, string MediaType, string Sha256, long Length);

/// <summary>A case as a publication tells it: the version drafted from and its rank.</summary>
public sealed record PublishedCase(string CaseId, long CaseVersion, int Rank);

/// <summary>A nominated case and, once drafted, its text.</summary>
public sealed record SelectionEntry(string CaseId, long NominatedVersion, RegionCode CaseRegion, CaseKind Kind, LocalDate ClosedOn, string NominatedBy, CaseText? Text);

/// <summary>A case's published text, the case version it was written from, and who wrote it.</summary>
public sealed record CaseText(long CaseVersion, string Title, string Facts, string Outcome, string Significance, IReadOnlyList<string> WrittenByPublisher, string By);

/// <summary>An approval of the selection's content as it stood.</summary>
public sealed record SelectionApproval(int Edition, LocalDate On, string By, string Opinion, string? ShortfallReason);

/// <summary>A published edition; <see cref="SelectionVersion"/> is the version of its publication event.</summary>
public sealed record SelectionEdition(
    int Edition, LocalDate On, string By, SelectionApproval Approval, IReadOnlyList<SelectionEntry> Entries,
    IReadOnlyList<PublishedDocument> Documents, long SelectionVersion);

/// <summary>A published case withdrawn from publication.</summary>
public sealed record SelectionWithdrawal(string CaseId, int Edition, LocalDate On, string Reason, string By);

/// <summary>
/// A selection as its events make it. <see cref="Entries"/> are in published order. <see cref="Approval"/> is the
/// approval of the content as it stands — any change to the content clears it, so what is published is exactly what
/// was approved. <see cref="Authors"/> are everyone who nominated, drafted, ranked or removed since the last
/// publication: none of them may approve.
/// </summary>
public sealed record SelectionState
{
    /// <summary>A selection with no history.</summary>
    public static SelectionState Initial { get; } = new();

    /// <summary>The stream version.</summary>
    public long Version { get; init; }
    /// <summary>The region whose cases are selected; null before the selection is opened.</summary>
    public RegionCode? Region { get; init; }
    /// <summary>The year whose closed cases are selected.</summary>
    public int Year { get; init; }
    /// <summary>How natural persons are named.</summary>
    public PersonNaming Naming { get; init; }
    /// <summary>The nominated cases in published order.</summary>
    public IReadOnlyList<SelectionEntry> Entries { get; init; } = [];
    /// <summary>The approval of the current content, if any.</summary>
    public SelectionApproval? Approval { get; init; }
    /// <summary>Who wrote the content since the last publication.</summary>
    public IReadOnlySet<string> Authors { get; init; } = new HashSet<string>();
    /// <summary>The published editions, oldest first.</summary>
    public IReadOnlyList<SelectionEdition> Editions { get; init; } = [];
    /// <summary>Published cases withdrawn from publication.</summary>
    public IReadOnlyList<SelectionWithdrawal> Withdrawals { get; init; } = [];

    /// <summary>The edition being prepared: one after the last published.</summary>
    public int NextEdition => Editions.Count + 1;
    /// <summary>The latest published edition, if any.</summary>
    public SelectionEdition? Published => Editions.Count == 0 ? null : Editions[^1];
    /// <summary>True when the content is unchanged since the last publication (nothing to publish).</summary>
    public bool UnchangedSincePublication { get; init; }
}

/// <summary>
/// What a selection decision needs besides the selection: the stream's region and year, and the cases the command
/// names (and every nominated case) as they now stand, from their own streams.
/// </summary>
public sealed record SelectionContext(RegionCode Region, int Year, IReadOnlyDictionary<string, CaseFile> Cases)
{
    /// <summary>The case named <paramref name="caseId"/>, or a refusal naming <paramref name="field"/>.</summary>
    public CaseFile Case(string caseId, string field) =>
        Cases.TryGetValue(caseId, out var file) && file.State.Version > 0
            ? file
            : throw new DomainRuleViolation(field, $"no case '{caseId}' is recorded in this ledger");
}

/// <summary>A case's history and the state it makes: what a narrative is written from.</summary>
public sealed record CaseFile(string CaseId, IReadOnlyList<CaseEvent> Events, CaseState State)
{
    /// <summary>
    /// Every party the file has ever named — as registered and as corrected since: a name corrected away is still a
    /// person's name and must not be published either.
    /// </summary>
    public IReadOnlyList<Party> Parties =>
    [
        .. Events.SelectMany(e => e switch
        {
            CaseEvent.LeadRegistered lead => [lead.Party],
            CaseEvent.DisputeRequested dispute => [dispute.Requester, dispute.Respondent],
            CaseEvent.CaseDetailsCorrected { Party: { } corrected } => [corrected],
            _ => Array.Empty<Party>(),
        }).Distinct(),
    ];
}
