using NodaTime;

namespace Ledger.Domain;

/// <summary>Where a case stands.</summary>
public enum CaseStatus
{
    /// <summary>Nothing recorded yet.</summary>
    None,
    /// <summary>线索 / 请求: registered, not yet filed or accepted.</summary>
    Lead,
    /// <summary>不予立案: the lead was not filed; it ends here.</summary>
    NotFiled,
    /// <summary>The whole lead went to another region's bureau before filing.</summary>
    LeadTransferred,
    /// <summary>立案调查 / 受理: filed (or the dispute accepted) and under investigation.</summary>
    Investigating,
    /// <summary>中止.</summary>
    Suspended,
    /// <summary>A decision (or adjudication, mediation, transfer, withdrawal) has been made.</summary>
    Decided,
    /// <summary>结案.</summary>
    Closed,
}

/// <summary>What the current decision of a case is.</summary>
public enum DecisionKind
{
    /// <summary>处罚决定.</summary>
    Penalty,
    /// <summary>不予处罚.</summary>
    NoPenalty,
    /// <summary>移送.</summary>
    Transfer,
    /// <summary>撤销立案.</summary>
    FilingWithdrawn,
    /// <summary>行政裁决 (patent dispute).</summary>
    Adjudication,
    /// <summary>调解协议 (patent dispute).</summary>
    Mediation,
    /// <summary>请求撤回 (patent dispute).</summary>
    DisputeWithdrawn,
}

/// <summary>The case's decision as it now stands, after any review.</summary>
public sealed record CaseDecision(
    DecisionKind Kind, LocalDate On, string? Number, IReadOnlyList<PenaltyItem> Items, string ApprovedBy,
    TransferTarget? TransferTarget = null, RegionCode? TransferRegion = null, bool Revoked = false,
    string? AppliedRule = null, string? TransferAgency = null, Mitigation? Mitigation = null);

/// <summary>A hold on goods and, once lifted, when.</summary>
public sealed record GoodsHold(
    string MeasureId, GoodsMeasure Measure, LocalDate On, Money? Value, LocalDate? ReleasedOn,
    LocalDate? ExtendedOn = null, LocalDate? EndedOn = null, GoodsHoldEnding? Ending = null);

/// <summary>A stretch of days that does not count towards the time limits: suspension and hearings (towards the decision
/// period), and the periods of <see cref="ExcludedPeriodKind"/> (<see cref="Kind"/>).</summary>
public sealed record ExcludedPeriod(string Reason, LocalDate From, LocalDate? Until, ExcludedPeriodKind? Kind = null)
{
    /// <summary>The Chinese name a period of <paramref name="kind"/> goes by in the rules.</summary>
    public static string NameOf(ExcludedPeriodKind kind) => kind switch
    {
        ExcludedPeriodKind.Testing => "检测",
        ExcludedPeriodKind.Inspection => "检验",
        ExcludedPeriodKind.Quarantine => "检疫",
        ExcludedPeriodKind.Appraisal => "鉴定",
        ExcludedPeriodKind.RightHolderIdentification => "权利人辨认或者鉴别",
        ExcludedPeriodKind.PublicNotice => "公告",
        _ => "责令退款",
    };

    /// <summary>True for the kinds the filing period leaves out (《市场监督管理行政处罚程序规定》第十八条).</summary>
    public static bool ExcludedFromFiling(ExcludedPeriodKind kind) => kind is not (ExcludedPeriodKind.PublicNotice or ExcludedPeriodKind.RefundOrdered);
}

/// <summary>A reconsideration or lawsuit and, once concluded, how it ended.</summary>
public sealed record CaseReview(
    ReviewKind Kind, LocalDate AppliedOn, string Body, ReviewOutcome? Outcome, LocalDate? ConcludedOn,
    ReviewApplicant Applicant = ReviewApplicant.Party, string? ApplicantName = null);

/// <summary>A legal review (法制审核) and whether it approved the case for decision.</summary>
public sealed record LegalReviewState(string ReviewerId, bool Approved, LocalDate On);

/// <summary>A payment received.</summary>
public sealed record PaymentRecord(LocalDate On, Money Amount);

/// <summary>The advance notice as served.</summary>
public sealed record NoticeState(LocalDate On, IReadOnlyList<PenaltyItem> ProposedItems, bool HearingRightGranted, LocalDate StatementDueOn, LocalDate? HearingRequestDueOn)
{
    /// <summary>When the party stated its defence on this notice, in writing or at its hearing.</summary>
    public LocalDate? HeardOn { get; init; }
    /// <summary>When a hearing the party requested on this notice was held or the request withdrawn.</summary>
    public LocalDate? HearingSettledOn { get; init; }
    /// <summary>When the party waived in writing its rights to state a defence and to a hearing.</summary>
    public LocalDate? WaivedOn { get; init; }

    /// <summary>
    /// Whether a penalty may be decided on <paramref name="day"/> as far as the party's rights go: after the period to state
    /// a defence and request a hearing, or within it once the party has been heard (and any hearing it had the right to
    /// is held or given up) or has waived those rights in writing (行政处罚法第四十五条、第六十二条、第六十四条).
    /// </summary>
    public bool PartyHeardBy(LocalDate day) =>
        day > StatementDueOn || WaivedOn is not null || (HeardOn is not null && (!HearingRightGranted || HearingSettledOn is not null));
}

/// <summary>
/// A case as its events make it: the fold of <see cref="CaseModel.Evolve"/> over its history. Dates are legal dates;
/// deadlines derived from them are computed by <see cref="CaseDeadlines"/> with a working-day calendar.
/// </summary>
public sealed record CaseState
{
    /// <summary>A case with no history.</summary>
    public static CaseState Initial { get; } = new();

    /// <summary>How many events made this state (the stream version).</summary>
    public long Version { get; init; }
    /// <summary>
    /// Every event folded into this state, step <c>n</c> at index <c>n − 1</c> (voided steps and the voids themselves
    /// included): what a void folds again without the step it voids. Null in a state a cache kept without its history;
    /// such a state cannot take a void (<see cref="CaseModel.Evolve"/> says so) and is restored from the store first.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore] // the history is read as the history, not as part of a state
    public IReadOnlyList<CaseEvent>? Steps { get; init; } = [];
    /// <summary>The versions of the steps voided (<see cref="CaseEvent.StepVoided"/>), in the order they were voided.</summary>
    public IReadOnlyList<long> VoidedVersions { get; init; } = [];
    /// <summary>Where the case stands.</summary>
    public CaseStatus Status { get; init; }
    /// <summary>Penalty case or patent dispute.</summary>
    public Procedure Procedure { get; init; }
    /// <summary>The bureau's region (where the case is counted).</summary>
    public RegionCode? Region { get; init; }
    /// <summary>The statistics row.</summary>
    public CaseKind Kind { get; init; }
    /// <summary>The party (当事人), or for a dispute the respondent.</summary>
    public Party? Party { get; init; }
    /// <summary>The requester (patentee) of a dispute.</summary>
    public Party? Requester { get; init; }
    /// <summary>The mark or patent.</summary>
    public ProtectedRight? Right { get; init; }
    /// <summary>Flags such as foreign-related.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
    /// <summary>Campaigns such as 铁拳2020.</summary>
    public IReadOnlyList<string> Campaigns { get; init; } = [];
    /// <summary>The case's legal bases: those cited at filing with those of the decision in force; before a decision (or
    /// once it is revoked) those cited so far. A later decision replaces an earlier one's, never adds to them.</summary>
    public IReadOnlyList<string> LegalBases { get; init; } = [];
    /// <summary>The bases cited when the case was filed: the provisions it is suspected of breaching.</summary>
    public IReadOnlyList<string> FilingBases { get; init; } = [];
    /// <summary>Where the lead came from.</summary>
    public LeadSource? Source { get; init; }

    /// <summary>Date of the lead (or of the dispute request).</summary>
    public LocalDate? LeadOn { get; init; }
    /// <summary>When the violation was committed: it decides the applicable law.</summary>
    public LocalDate? ViolationOn { get; init; }
    /// <summary>Whether the filing period was extended by 15 working days.</summary>
    public bool FilingPeriodExtended { get; init; }
    /// <summary>When the lead was filed, not filed, or transferred away: the end of the filing period.</summary>
    public LocalDate? LeadDecidedOn { get; init; }
    /// <summary>Date of filing (立案) or acceptance (受理).</summary>
    public LocalDate? FiledOn { get; init; }
    /// <summary>Whether the decision period was extended.</summary>
    public bool DecisionPeriodExtended { get; init; }
    /// <summary>The handling officers.</summary>
    public IReadOnlyList<Officer> Handlers { get; init; } = [];
    /// <summary>Number of evidence records.</summary>
    public int EvidenceCount { get; init; }
    /// <summary>Holds on goods.</summary>
    public IReadOnlyList<GoodsHold> Goods { get; init; } = [];
    /// <summary>Suspensions and hearings, which do not count towards the decision period.</summary>
    public IReadOnlyList<ExcludedPeriod> ExcludedPeriods { get; init; } = [];

    /// <summary>违法经营额.</summary>
    public Assessment? Turnover { get; init; }
    /// <summary>货值金额.</summary>
    public Assessment? GoodsValue { get; init; }
    /// <summary>违法所得.</summary>
    public Assessment? IllegalGains { get; init; }
    /// <summary>案值 as the statistics count it: the turnover when assessed, else the value of the goods.</summary>
    public Money CaseValue => Turnover?.Amount ?? GoodsValue?.Amount ?? Money.Zero;

    /// <summary>The innocent seller's supplier, once established (商标法 art. 60(2)).</summary>
    public string? InnocentSellerSupplier { get; init; }
    /// <summary>Regions of related leads referred away.</summary>
    public IReadOnlyList<RegionCode> ReferredLeads { get; init; } = [];
    /// <summary>Regions handling the case jointly.</summary>
    public IReadOnlyList<RegionCode> JointRegions { get; init; } = [];

    /// <summary>The latest legal review: who, and whether it approved.</summary>
    public LegalReviewState? LegalReview { get; init; }
    /// <summary>The advance notice in force (cleared when a decision is revoked with an order to decide again).</summary>
    public NoticeState? Notice { get; init; }
    /// <summary>Whether the party stated a defence.</summary>
    public bool DefenceStated { get; init; }
    /// <summary>When a hearing was requested and is still pending.</summary>
    public LocalDate? HearingPendingSince { get; init; }
    /// <summary>When the hearing was held.</summary>
    public LocalDate? HearingHeldOn { get; init; }

    /// <summary>The decision as it now stands.</summary>
    public CaseDecision? Decision { get; init; }
    /// <summary>Earlier decisions replaced after review.</summary>
    public IReadOnlyList<CaseDecision> EarlierDecisions { get; init; } = [];
    /// <summary>When the decision was served.</summary>
    public LocalDate? ServedOn { get; init; }
    /// <summary>A deferred due date for payment.</summary>
    public LocalDate? DeferredDueOn { get; init; }
    /// <summary>Instalments granted.</summary>
    public IReadOnlyList<Instalment> Instalments { get; init; } = [];
    /// <summary>Payments received.</summary>
    public IReadOnlyList<PaymentRecord> Payments { get; init; } = [];
    /// <summary>Reviews applied for.</summary>
    public IReadOnlyList<CaseReview> Reviews { get; init; } = [];

    /// <summary>Dispute: respondent's answer received.</summary>
    public LocalDate? AnsweredOn { get; init; }
    /// <summary>Dispute: oral hearing held.</summary>
    public LocalDate? OralHearingOn { get; init; }
    /// <summary>Dispute: mediated damages.</summary>
    public Money? MediatedDamages { get; init; }
    /// <summary>Dispute: court that confirmed the mediation.</summary>
    public string? ConfirmedBy { get; init; }

    /// <summary>When closed, and why.</summary>
    public LocalDate? ClosedOn { get; init; }
    /// <summary>The closing ground.</summary>
    public ClosingGround? ClosingGround { get; init; }

    /// <summary>Fines and confiscated money the current decision imposes (zero once revoked).</summary>
    public Money AmountImposed => Decision is { Kind: DecisionKind.Penalty, Revoked: false } d ? d.Items.FinesAndConfiscations() : Money.Zero;
    /// <summary>All money received.</summary>
    public Money AmountPaid => Money.Sum(Payments.Select(p => p.Amount));
    /// <summary>What remains owed of the fines and confiscations (surcharge aside).</summary>
    public Money AmountOutstanding => Money.SaturatingSubtract(AmountImposed, AmountPaid);
    /// <summary>True when a review is pending.</summary>
    public bool ReviewPending => Reviews.Any(r => r.Outcome is null);
    /// <summary>True when a decision was revoked with an order to decide again and no new decision is made yet.</summary>
    public bool AwaitingNewDecision { get; init; }

    /// <summary>
    /// The case's due dates and overdue flags on <paramref name="today"/>. They depend on the working-day calendar,
    /// which is why they are computed here rather than folded into the state by <see cref="CaseModel.Evolve"/>.
    /// </summary>
    public DeadlineReport DeadlinesOn(Calendar.WorkingDayCalendar calendar, LocalDate today) => CaseDeadlines.Compute(this, calendar, today);
}
