using NodaTime;
using static Ledger.Domain.Typical.SelectionEvent;

namespace Ledger.Domain.Typical;

/// <summary>
/// The rules of a region's annual typical cases: ten closed cases of the region closed in the year (fewer only with
/// a stated reason), each told by redacted text, reviewed and approved by someone who did not write the selection,
/// then published; a published case whose decision is later varied or revoked is withdrawn and the list corrected
/// in a new edition.
/// </summary>
public static class TypicalSelectionModel
{
    /// <summary>How many cases a list holds (十大典型案例).</summary>
    public const int ListSize = 10;
    /// <summary>Working days within which a published case whose decision changed is withdrawn from publication.</summary>
    public const int WithdrawalWorkingDays = 3;
    /// <summary>The longest title, and the longest of the other texts.</summary>
    public const int MaxTitleLength = 120, MaxTextLength = 4_000;

    /// <summary>The events <paramref name="command"/> records on <paramref name="state"/>, or a refusal naming the field and rule.</summary>
    public static IReadOnlyList<SelectionEvent> Decide(SelectionCommand command, SelectionState state, SelectionContext context)
    {
        if (state.Region is null && command is not SelectionCommand.NominateCase)
            throw Refuse("selection", $"no selection of {Describe(context)} is open; a selection starts with nominate_case");
        return command switch
        {
            SelectionCommand.NominateCase c => Nominate(c, state, context),
            SelectionCommand.RemoveNomination c => Remove(c, state),
            SelectionCommand.DraftCase c => Draft(c, state, context),
            SelectionCommand.RankCases c => Rank(c, state),
            SelectionCommand.ApproveSelection c => Approve(c, state, context),
            SelectionCommand.PublishSelection c => Publish(c, state, context),
            SelectionCommand.WithdrawPublishedCase c => Withdraw(c, state),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.Name),
        };
    }

    /// <summary>The state after <paramref name="event"/>.</summary>
    public static SelectionState Evolve(SelectionState state, SelectionEvent @event)
    {
        var next = state with { Version = state.Version + 1 };
        SelectionState Changed(SelectionState s, string by) =>
            s with { Approval = null, UnchangedSincePublication = false, Authors = new HashSet<string>(s.Authors) { by } };
        return @event switch
        {
            SelectionOpened e => next with { Region = e.Region, Year = e.Year, Naming = e.Naming },
            CaseNominated e => Changed(next with { Entries = [.. next.Entries, new SelectionEntry(e.CaseId, e.CaseVersion, e.CaseRegion, e.Kind, e.ClosedOn, e.By, null)] }, e.By),
            NominationRemoved e => Changed(next with { Entries = [.. next.Entries.Where(x => x.CaseId != e.CaseId)] }, e.By),
            CaseDrafted e => Changed(next with
            {
                Entries = [.. next.Entries.Select(x => x.CaseId == e.CaseId
                    ? x with { Text = new CaseText(e.CaseVersion, e.Title, e.Facts, e.Outcome, e.Significance, e.WrittenByPublisher, e.By) } : x)],
            }, e.By),
            CasesRanked e => Changed(next with { Entries = [.. e.Order.Select(id => next.Entries.Single(x => x.CaseId == id))] }, e.By),
            SelectionApproved e => next with { Approval = new SelectionApproval(e.Edition, e.On, e.By, e.Opinion, e.ShortfallReason) },
            SelectionPublished e => next with
            {
                Editions = [.. next.Editions, new SelectionEdition(e.Edition, e.On, e.By, next.Approval!, next.Entries, e.Documents, next.Version)],
                Approval = null, Authors = new HashSet<string>(), UnchangedSincePublication = true,
            },
            PublishedCaseWithdrawn e => Changed(next with
            {
                Withdrawals = [.. next.Withdrawals, new SelectionWithdrawal(e.CaseId, e.Edition, e.On, e.Reason, e.By)],
                Entries = [.. next.Entries.Where(x => x.CaseId != e.CaseId)],
            }, e.By),
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name),
        };
    }

    /// <summary>The state <paramref name="events"/> make.</summary>
    public static SelectionState Replay(IEnumerable<SelectionEvent> events) => events.Aggregate(SelectionState.Initial, Evolve);

    private static IReadOnlyList<SelectionEvent> Nominate(SelectionCommand.NominateCase c, SelectionState state, SelectionContext context)
    {
        RequirePerson(c.By, "by");
        if (state.Region is not null && c.Naming is { } naming && naming != state.Naming)
            throw Refuse("naming", $"this selection names natural persons as {SnakeCase.Of(state.Naming)}, fixed when it was opened; every case of a list is named alike");
        if (state.Entries.FirstOrDefault(x => x.CaseId == c.CaseId) is { } already)
            throw Refuse("case_id", $"case {c.CaseId} is already nominated (rank {Rank(state, already)})");
        if (state.Entries.Count >= ListSize)
            throw Refuse("case_id", $"the selection already holds {ListSize} cases (十大典型案例); remove a nomination before nominating case {c.CaseId}");
        var file = context.Case(c.CaseId, "case_id");
        RequirePublishable(file, context, "case_id");
        var events = new List<SelectionEvent>();
        if (state.Region is null) events.Add(new SelectionOpened(context.Region, context.Year, c.Naming ?? PersonNaming.Masked));
        events.Add(new CaseNominated(c.CaseId, file.State.Version, file.State.Region!, file.State.Kind, file.State.ClosedOn!.Value, c.By));
        return events;
    }

    private static IReadOnlyList<SelectionEvent> Remove(SelectionCommand.RemoveNomination c, SelectionState state)
    {
        RequirePerson(c.By, "by");
        RequireEntry(state, c.CaseId);
        RequireText(c.Reason, "reason", 500);
        return [new NominationRemoved(c.CaseId, c.Reason.Trim(), c.By)];
    }

    private static IReadOnlyList<SelectionEvent> Draft(SelectionCommand.DraftCase c, SelectionState state, SelectionContext context)
    {
        RequirePerson(c.By, "by");
        RequireEntry(state, c.CaseId);
        var file = context.Case(c.CaseId, "case_id");
        RequirePublishable(file, context, "case_id");
        var generated = CaseNarrative.Write(file, state.Naming);
        var written = new List<string>();
        string Take(string? given, string field, string fallback, int max)
        {
            if (given is null) return fallback;
            RequireText(given, field, max);
            // The Markdown edition renders the publisher's text as written: a script link would run in a reader's browser.
            if (given.Contains("javascript:", StringComparison.OrdinalIgnoreCase) || given.Contains("vbscript:", StringComparison.OrdinalIgnoreCase))
                throw Refuse(field, "published text may not carry a javascript: or vbscript: link");
            RequireNoPersonalData(given.Trim(), field, file, state.Naming);
            written.Add(field);
            return given.Trim();
        }
        var title = Take(c.Title, "title", generated.Title, MaxTitleLength);
        if (c.Title is not null && !title.EndsWith('案'))
            throw Refuse("title", "a typical case's title names the case and ends with 案 (\"XX局查处XX销售侵犯“YY”注册商标专用权商品案\")");
        var facts = Take(c.Facts, "facts", generated.Facts, MaxTextLength);
        var outcome = Take(c.Outcome, "outcome", generated.Outcome, MaxTextLength);
        if (c.Significance is null) throw Refuse("significance", "典型意义 is written by the publisher: why this case is typical");
        var significance = Take(c.Significance, "significance", "", MaxTextLength);
        return [new CaseDrafted(c.CaseId, file.State.Version, title, facts, outcome, significance, written, c.By)];
    }

    private static IReadOnlyList<SelectionEvent> Rank(SelectionCommand.RankCases c, SelectionState state)
    {
        RequirePerson(c.By, "by");
        if (c.Order is null) throw Refuse("order", "the order lists every nominated case once, first = 案例一");
        var nominated = state.Entries.Select(x => x.CaseId).ToHashSet();
        if (c.Order.FirstOrDefault(id => !nominated.Contains(id)) is { } stranger)
            throw Refuse("order", $"case {stranger} is not nominated in this selection");
        if (c.Order.GroupBy(id => id).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw Refuse("order", $"case {twice.Key} appears more than once");
        if (nominated.FirstOrDefault(id => !c.Order.Contains(id)) is { } missing)
            throw Refuse("order", $"nominated case {missing} is missing; the order lists every nominated case once");
        return [new CasesRanked([.. c.Order], c.By)];
    }

    private static IReadOnlyList<SelectionEvent> Approve(SelectionCommand.ApproveSelection c, SelectionState state, SelectionContext context)
    {
        RequirePerson(c.By, "by");
        if (state.UnchangedSincePublication)
            throw Refuse("selection", $"edition {state.Editions.Count} is published and nothing has changed since; there is nothing to approve");
        if (state.Approval is { } approval)
            throw Refuse("selection", $"the selection as it stands was already approved by {approval.By} on {approval.On:yyyy-MM-dd}");
        if (state.Authors.Contains(c.By))
            throw Refuse("by", $"{c.By} wrote this selection (nominated, drafted, ranked or removed cases); it is reviewed and approved by someone who did not write it");
        RequireText(c.Opinion, "opinion", 1_000);
        if (state.Entries.Count == 0) throw Refuse("selection", "the selection holds no case");
        foreach (var entry in state.Entries)
        {
            if (entry.Text is not { } text)
                throw Refuse("selection", $"case {entry.CaseId} (rank {Rank(state, entry)}) has no text yet; draft it before approval");
            var file = context.Case(entry.CaseId, "selection");
            RequirePublishable(file, context, "selection");
            if (file.State.Version != text.CaseVersion)
                throw Refuse("selection", $"case {entry.CaseId} changed after its text was written (version {text.CaseVersion}, now {file.State.Version}); draft it again");
        }
        var reason = string.IsNullOrWhiteSpace(c.ShortfallReason) ? null : c.ShortfallReason.Trim();
        if (state.Entries.Count < ListSize && reason is null)
            throw Refuse("shortfall_reason", $"the list holds {state.Entries.Count} cases, not {ListSize}; a shorter list states why");
        if (state.Entries.Count == ListSize && reason is not null)
            throw Refuse("shortfall_reason", $"the list holds {ListSize} cases; a shortfall reason is for a shorter list");
        if (reason is not null) RequireText(reason, "shortfall_reason", 500);
        if (state.Published is { } published && c.On < published.On)
            throw Refuse("on", $"edition {published.Edition} was published on {published.On:yyyy-MM-dd}; the next is approved after it");
        return [new SelectionApproved(state.NextEdition, c.On, c.By, c.Opinion.Trim(), [.. state.Entries.Select(x => x.CaseId)], reason)];
    }

    private static IReadOnlyList<SelectionEvent> Publish(SelectionCommand.PublishSelection c, SelectionState state, SelectionContext context)
    {
        RequirePerson(c.By, "by");
        if (state.Approval is not { } approval)
            throw Refuse("selection", state.UnchangedSincePublication
                ? $"edition {state.Editions.Count} is already published and nothing has changed since"
                : "the selection as it stands is not approved (a change after approval needs approval again)");
        if (c.On < approval.On) throw Refuse("on", $"publication follows approval, given on {approval.On:yyyy-MM-dd}");
        foreach (var entry in state.Entries)
            if (context.Case(entry.CaseId, "selection").State.Version != entry.Text!.CaseVersion)
                throw Refuse("selection", $"case {entry.CaseId} changed after it was approved; draft and approve it again");
        var documents = TypicalCasesDocument.Render(state, approval.Edition, c.On);
        // What is hashed and published is checked once more as rendered, in every format: a datum that slipped past
        // the checks of each text (or arose in rendering) stops the publication, not only the draft.
        var parties = state.Entries.SelectMany(x => context.Case(x.CaseId, "selection").Parties).ToList();
        foreach (var (format, _) in RenderedDocuments.Formats)
        {
            var findings = Redaction.FindPersonalData(documents.Of(format), parties, state.Naming);
            if (findings.Count > 0)
                throw Refuse("selection", $"the {format} of edition {approval.Edition} would publish “{findings[0].Text}”, {findings[0].What}; " +
                                          "published text must not carry personal data (《个人信息保护法》第二十八条) — redraft the case that carries it");
        }
        return
        [
            new SelectionPublished(approval.Edition, c.On, c.By, documents.Describe(),
                [.. state.Entries.Select((x, i) => new PublishedCase(x.CaseId, x.Text!.CaseVersion, i + 1))]),
        ];
    }

    private static IReadOnlyList<SelectionEvent> Withdraw(SelectionCommand.WithdrawPublishedCase c, SelectionState state)
    {
        RequirePerson(c.By, "by");
        RequireText(c.Reason, "reason", 500);
        if (state.Published is not { } published)
            throw Refuse("case_id", "nothing is published yet; before publication a case is removed, not withdrawn");
        if (published.Entries.All(x => x.CaseId != c.CaseId))
            throw Refuse("case_id", $"case {c.CaseId} is not in the published edition {published.Edition}");
        if (state.Withdrawals.Any(w => w.CaseId == c.CaseId && w.Edition == published.Edition))
            throw Refuse("case_id", $"case {c.CaseId} was already withdrawn from edition {published.Edition}");
        if (c.On < published.On) throw Refuse("on", $"edition {published.Edition} was published on {published.On:yyyy-MM-dd}");
        return [new PublishedCaseWithdrawn(c.CaseId, published.Edition, c.On, c.Reason.Trim(), c.By)];
    }

    /// <summary>
    /// The published cases whose decision changed after the version their edition tells, while that edition was the
    /// one in force: each must be withdrawn within <see cref="WithdrawalWorkingDays"/> working days of the change (the
    /// date of the review's conclusion). Those withdrawn are reported with the date they were; an edition superseded
    /// before a change is not concerned by it.
    /// </summary>
    public static IReadOnlyList<WithdrawalDue> WithdrawalsDue(SelectionState state, IReadOnlyDictionary<string, CaseFile> cases,
        Calendar.WorkingDayCalendar calendar, LocalDate today)
    {
        var due = new List<WithdrawalDue>();
        for (var k = 0; k < state.Editions.Count; k++)
        {
            var edition = state.Editions[k];
            LocalDate? supersededOn = k + 1 < state.Editions.Count ? state.Editions[k + 1].On : null;
            foreach (var entry in edition.Entries)
            {
                if (!cases.TryGetValue(entry.CaseId, out var file)) continue;
                var published = entry.Text!.CaseVersion;
                var change = file.Events.Skip((int)published).FirstOrDefault(e => ChangesPublished(e, published));
                if (change is null || (supersededOn is { } end && change.On >= end)) continue;
                var dueOn = calendar.AddWorkingDays(change.On, WithdrawalWorkingDays).Date;
                var withdrawal = state.Withdrawals.FirstOrDefault(w => w.CaseId == entry.CaseId && w.Edition == edition.Edition);
                due.Add(new WithdrawalDue(entry.CaseId, edition.Edition, change.On, DescribeChange(change), dueOn, withdrawal?.On,
                    withdrawal is null && today > dueOn));
            }
        }
        return due;
    }

    /// <summary>True when <paramref name="e"/> changes a case's decision: a published case then has to be withdrawn.</summary>
    public static bool ChangesDecision(CaseEvent e) => e switch
    {
        CaseEvent.ReviewConcluded { Outcome: not (ReviewOutcome.Upheld or ReviewOutcome.Withdrawn) } => true,
        CaseEvent.PenaltyDecided or CaseEvent.NoPenaltyDecided or CaseEvent.CaseTransferred => true,
        CaseEvent.DecisionChangedByBureau or CaseEvent.PoliceReturnedCase => true,
        _ => false,
    };

    /// <summary>
    /// True when <paramref name="e"/>, recorded after the case's version <paramref name="publishedVersion"/> was published,
    /// changes what was published: its decision changed, or a step the publication rests on was voided (its closing, say,
    /// recorded on a wrong date). A void of a step recorded after publication changes nothing published.
    /// </summary>
    public static bool ChangesPublished(CaseEvent e, long publishedVersion) =>
        ChangesDecision(e) || e is CaseEvent.StepVoided voided && voided.Version <= publishedVersion;

    private static string DescribeChange(CaseEvent e) => e switch
    {
        CaseEvent.StepVoided v => $"step {v.Version} ({v.VoidedType} of {v.VoidedOn:yyyy-MM-dd}) voided: {v.Reason}",
        CaseEvent.ReviewConcluded r => $"{(r.Kind == ReviewKind.Reconsideration ? "reconsideration" : "lawsuit")} concluded: decision {SnakeCase.Of(r.Outcome)} ({r.Reference})",
        CaseEvent.DecisionChangedByBureau c => $"decision {SnakeCase.Of(c.Change)} by the bureau itself: {c.Reason}",
        CaseEvent.PoliceReturnedCase p => $"returned by {p.Agency} ({p.Reference})",
        CaseEvent.PenaltyDecided p => $"new penalty decision {p.DecisionNumber}",
        CaseEvent.NoPenaltyDecided => "new decision not to penalise",
        _ => "case transferred after publication",
    };

    private static void RequirePublishable(CaseFile file, SelectionContext context, string field)
    {
        var state = file.State;
        if (state.Status != CaseStatus.Closed)
            throw Refuse(field, $"case {file.CaseId} is not closed (it is {SnakeCase.Of(state.Status)}); only closed cases (结案) are published as typical cases");
        if (state.Region is not { } region || !region.IsWithin(context.Region))
            throw Refuse(field, $"case {file.CaseId} is kept in {state.Region}, outside {Describe(context)}");
        if (state.ClosedOn!.Value.Year != context.Year)
            throw Refuse(field, $"case {file.CaseId} was closed on {state.ClosedOn:yyyy-MM-dd}, not in {context.Year}");
        if (state.Decision is { Revoked: true })
            throw Refuse(field, $"the decision of case {file.CaseId} was revoked; a revoked decision is not published as a typical case");
    }

    private static void RequireNoPersonalData(string text, string field, CaseFile file, PersonNaming naming)
    {
        var findings = Redaction.FindPersonalData(text, file.Parties, naming);
        if (findings.Count == 0) return;
        var f = findings[0];
        var instead = f.Replacement.Length == 0 ? "leave it out" : $"write “{f.Replacement}”";
        throw Refuse(field, $"“{f.Text}” ({f.Position}) is {f.What}; published text must not carry personal data " +
                            $"(《个人信息保护法》第二十八条、《政府信息公开条例》第十五条) — {instead}" +
                            (findings.Count > 1 ? $"; {findings.Count - 1} more such span(s) follow" : ""));
    }

    private static SelectionEntry RequireEntry(SelectionState state, string caseId) =>
        state.Entries.FirstOrDefault(x => x.CaseId == caseId) ?? throw Refuse("case_id", $"case {caseId} is not nominated in this selection");

    private static void RequirePerson(string? by, string field)
    {
        if (string.IsNullOrWhiteSpace(by) || by.Length > 100) throw Refuse(field, "names who acts (1 to 100 characters)");
    }

    private static void RequireText(string? text, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Refuse(field, "must not be empty");
        if (text.Trim().Length > max) throw Refuse(field, $"at most {max} characters; got {text.Trim().Length}");
    }

    private static int Rank(SelectionState state, SelectionEntry entry) => state.Entries.ToList().IndexOf(entry) + 1;

    private static string Describe(SelectionContext context) => $"{Redaction.PublishedPlace(context.Region)} ({context.Region}) for {context.Year}";

    private static DomainRuleViolation Refuse(string field, string rule) => new(field, rule);
}

/// <summary>A published case whose decision changed: when, how, when its withdrawal is due, and when it was withdrawn.</summary>
public sealed record WithdrawalDue(string CaseId, int Edition, LocalDate ChangedOn, string Change, LocalDate DueOn, LocalDate? WithdrawnOn, bool Overdue);
