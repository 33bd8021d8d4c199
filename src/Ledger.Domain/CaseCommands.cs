using NodaTime;

namespace Ledger.Domain;

/// <summary>
/// A request to record an action on a case. Each names its effective date <see cref="On"/>; <see cref="CaseModel.Decide"/>
/// turns it into events or refuses it with a <see cref="DomainRuleViolation"/>. Who issued it travels in the event
/// metadata; the people the law cares about (approver, reviewer, hearing officer) are fields of the command.
/// </summary>
public abstract record CaseCommand
{
    private CaseCommand() { }

    /// <summary>The effective date of the action.</summary>
    public abstract LocalDate On { get; init; }

    /// <summary>The command's name as clients spell it: <c>register_lead</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Name => SnakeCase.Of(GetType().Name);

    /// <summary>Registers a lead (线索登记); starts a penalty case.</summary>
    public sealed record RegisterLead(
        LocalDate On, LeadSource Source, string Summary, RegionCode Region, CaseKind Kind, Party Party,
        ProtectedRight? Right, LocalDate? ViolationOn, IReadOnlyList<string> Flags, IReadOnlyList<string> Campaigns) : CaseCommand;
    /// <summary>Decides not to file the lead (不予立案).</summary>
    public sealed record DecideNotToFile(LocalDate On, string Ground, string ApprovedBy) : CaseCommand;
    /// <summary>Transfers the whole lead to another region's bureau before filing.</summary>
    public sealed record TransferLead(LocalDate On, RegionCode TargetRegion, string Reason) : CaseCommand;
    /// <summary>Extends the filing period by 15 working days.</summary>
    public sealed record ExtendFilingPeriod(LocalDate On, string ApprovedBy, string Reason) : CaseCommand;
    /// <summary>Files the case (立案).</summary>
    public sealed record FileCase(LocalDate On, string ApprovedBy, IReadOnlyList<string> LegalBases) : CaseCommand;
    /// <summary>Assigns certified officers as handlers.</summary>
    public sealed record AssignOfficers(LocalDate On, IReadOnlyList<Officer> Officers) : CaseCommand;
    /// <summary>Records evidence.</summary>
    public sealed record RecordEvidence(LocalDate On, string Description) : CaseCommand;
    /// <summary>Holds goods (先行登记保存、查封、扣押).</summary>
    public sealed record HoldGoods(LocalDate On, string MeasureId, GoodsMeasure Measure, string Description, Money? Value) : CaseCommand;
    /// <summary>Releases held goods.</summary>
    public sealed record ReleaseGoods(LocalDate On, string MeasureId, string Reason) : CaseCommand;
    /// <summary>Extends a sealing or seizure once by 30 days, with the head of the bureau's approval.</summary>
    public sealed record ExtendGoodsHold(LocalDate On, string MeasureId, string ApprovedBy, string Reason) : CaseCommand;
    /// <summary>Records how a hold on goods ended other than by release.</summary>
    public sealed record EndGoodsHold(LocalDate On, string MeasureId, GoodsHoldEnding Ending, string Note) : CaseCommand;
    /// <summary>Starts a period that does not count towards the case's time limits (检测、鉴定、权利人辨认或者鉴别…).</summary>
    public sealed record StartExcludedPeriod(LocalDate On, ExcludedPeriodKind Kind, string Description) : CaseCommand;
    /// <summary>Ends the open excluded period of that kind (the report or result came back).</summary>
    public sealed record EndExcludedPeriod(LocalDate On, ExcludedPeriodKind Kind) : CaseCommand;
    /// <summary>Suspends the case (中止).</summary>
    public sealed record SuspendCase(LocalDate On, string Reason) : CaseCommand;
    /// <summary>Resumes a suspended case.</summary>
    public sealed record ResumeCase(LocalDate On, string Reason) : CaseCommand;
    /// <summary>Assesses turnover, goods value and illegal gains.</summary>
    public sealed record AssessAmounts(LocalDate On, Assessment? Turnover, Assessment? GoodsValue, Assessment? IllegalGains) : CaseCommand;
    /// <summary>Establishes that the party is an innocent seller (商标法 art. 60(2)).</summary>
    public sealed record EstablishInnocentSeller(LocalDate On, string Supplier, RegionCode? SupplierRegion, string Evidence) : CaseCommand;
    /// <summary>Refers a related lead (e.g. the supplier) to another region's bureau.</summary>
    public sealed record ReferRelatedLead(LocalDate On, RegionCode TargetRegion, string Summary) : CaseCommand;
    /// <summary>Agrees joint handling with another region's bureau.</summary>
    public sealed record AgreeJointHandling(LocalDate On, RegionCode PartnerRegion, string Summary) : CaseCommand;
    /// <summary>Records the legal review (法制审核).</summary>
    public sealed record CompleteLegalReview(LocalDate On, string ReviewerId, bool Approved, string Opinion) : CaseCommand;
    /// <summary>Serves the advance notice with the proposed penalty (告知).</summary>
    public sealed record ServeAdvanceNotice(LocalDate On, IReadOnlyList<PenaltyItem> ProposedItems, IReadOnlyList<string> LegalBases) : CaseCommand;
    /// <summary>Records the party's statement of defence.</summary>
    public sealed record RecordStatementOfDefence(LocalDate On, string Summary) : CaseCommand;
    /// <summary>Records that the party waived in writing its rights to state a defence and to a hearing.</summary>
    public sealed record WaiveDefenceRights(LocalDate On, string Summary) : CaseCommand;
    /// <summary>Records the party's request for a hearing.</summary>
    public sealed record RequestHearing(LocalDate On) : CaseCommand;
    /// <summary>Records that the party withdrew its hearing request.</summary>
    public sealed record WithdrawHearingRequest(LocalDate On) : CaseCommand;
    /// <summary>Records the hearing as held.</summary>
    public sealed record HoldHearing(LocalDate On, string PresidedBy, string Summary) : CaseCommand;
    /// <summary>Extends the decision period.</summary>
    public sealed record ExtendDecisionPeriod(LocalDate On, string ApprovedBy, string Reason) : CaseCommand;
    /// <summary>
    /// Decides a penalty. <see cref="FineProvision"/> names the provision family when the kind has more than one
    /// (special marks: <c>olympic-mark</c> or <c>special-mark</c>); <see cref="Mitigation"/> the 从轻 or 减轻 applied, with its ground.
    /// </summary>
    public sealed record DecidePenalty(
        LocalDate On, string DecisionNumber, IReadOnlyList<PenaltyItem> Items, IReadOnlyList<string> LegalBases,
        string ApprovedBy, string? FineProvision = null, Mitigation? Mitigation = null) : CaseCommand;
    /// <summary>Decides not to penalise.</summary>
    public sealed record DecideNoPenalty(
        LocalDate On, string? DecisionNumber, NoPenaltyGround Ground, IReadOnlyList<PenaltyItem> Orders,
        IReadOnlyList<string> LegalBases, string ApprovedBy) : CaseCommand;
    /// <summary>Transfers the filed case.</summary>
    public sealed record TransferCase(
        LocalDate On, TransferTarget Target, RegionCode? TargetRegion, string? TargetAgency, string Reason, string ApprovedBy) : CaseCommand;
    /// <summary>Records that the police sent a transferred case back.</summary>
    public sealed record RecordPoliceReturn(LocalDate On, PoliceReturnGround Ground, string Agency, string Reference) : CaseCommand;
    /// <summary>Withdraws the filing (撤销立案).</summary>
    public sealed record WithdrawFiling(LocalDate On, string Reason, string ApprovedBy) : CaseCommand;
    /// <summary>Records service of the decision.</summary>
    public sealed record ServeDecision(LocalDate On, string Method) : CaseCommand;
    /// <summary>Defers payment.</summary>
    public sealed record DeferPayment(LocalDate On, LocalDate NewDueOn, string ApprovedBy, string Reason) : CaseCommand;
    /// <summary>Allows payment in instalments.</summary>
    public sealed record GrantInstalments(LocalDate On, IReadOnlyList<Instalment> Instalments, string ApprovedBy) : CaseCommand;
    /// <summary>Records a payment.</summary>
    public sealed record RecordPayment(LocalDate On, Money Amount, string Reference) : CaseCommand;
    /// <summary>Records that the decision was challenged.</summary>
    public sealed record ApplyForReview(
        LocalDate On, ReviewKind Kind, string Body, ReviewApplicant Applicant = ReviewApplicant.Party, string? ApplicantName = null) : CaseCommand;
    /// <summary>Records the bureau's own correction or revocation of its decision (主动改正).</summary>
    public sealed record ChangeOwnDecision(
        LocalDate On, ReviewOutcome Change, string Reason, string ApprovedBy, IReadOnlyList<PenaltyItem> VariedItems) : CaseCommand;
    /// <summary>Records the outcome of a review.</summary>
    public sealed record ConcludeReview(
        LocalDate On, ReviewKind Kind, ReviewOutcome Outcome, string Reference, IReadOnlyList<PenaltyItem> VariedItems) : CaseCommand;
    /// <summary>Closes the case.</summary>
    public sealed record CloseCase(LocalDate On, ClosingGround Ground, string Summary) : CaseCommand;
    /// <summary>Corrects particulars recorded earlier.</summary>
    public sealed record CorrectCaseDetails(
        LocalDate On, string Reason, CaseKind? Kind = null, RegionCode? Region = null, Party? Party = null, ProtectedRight? Right = null,
        LocalDate? ViolationOn = null, IReadOnlyList<string>? Flags = null, IReadOnlyList<string>? Campaigns = null) : CaseCommand;

    /// <summary>
    /// Voids a step recorded wrongly (a wrong date, the wrong case): a new event that takes it out of the case as it
    /// stands, never an edit; the step stays in the history and in what as-of reads show.
    /// </summary>
    public sealed record VoidStep(LocalDate On, long Version, string Reason, string ApprovedBy) : CaseCommand;

    /// <summary>Records a patentee's request to handle an infringement dispute; starts a dispute case.</summary>
    public sealed record RequestDispute(
        LocalDate On, RegionCode Region, Party Requester, Party Respondent, ProtectedRight Patent, string Summary,
        IReadOnlyList<string> Flags, IReadOnlyList<string> Campaigns) : CaseCommand;
    /// <summary>Accepts the dispute (立案受理).</summary>
    public sealed record AcceptDispute(LocalDate On, string ApprovedBy, IReadOnlyList<Officer> Officers) : CaseCommand;
    /// <summary>Records the respondent's answer.</summary>
    public sealed record RecordDisputeAnswer(LocalDate On, string Summary) : CaseCommand;
    /// <summary>Records the oral hearing.</summary>
    public sealed record HoldOralHearing(LocalDate On, string Summary) : CaseCommand;
    /// <summary>Adjudicates the dispute (行政裁决).</summary>
    public sealed record AdjudicateDispute(LocalDate On, string DecisionNumber, AdjudicationFinding Finding, string ApprovedBy) : CaseCommand;
    /// <summary>Records a mediation agreement.</summary>
    public sealed record RecordMediationAgreement(LocalDate On, Money? Damages, string Terms) : CaseCommand;
    /// <summary>Records a court's confirmation of the mediation agreement.</summary>
    public sealed record RecordJudicialConfirmation(LocalDate On, string Court, string Reference) : CaseCommand;
    /// <summary>Records the withdrawal of the dispute request.</summary>
    public sealed record WithdrawDispute(LocalDate On, string Reason) : CaseCommand;
}

/// <summary>
/// Names as clients and stored JSON spell them: "RegisterLead" → "register_lead", <c>CaseStatus.Investigating</c> →
/// "investigating". The same policy as <see cref="Serialization.CaseEventSerializer"/>, so messages and stored data agree.
/// </summary>
public static class SnakeCase
{
    /// <summary>A PascalCase name in snake_case.</summary>
    public static string Of(string pascal) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal);

    /// <summary>An enum value in snake_case.</summary>
    public static string Of<T>(T value) where T : struct, Enum => Of(value.ToString());
}
