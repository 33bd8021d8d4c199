using NodaTime;

namespace Ledger.Domain;

/// <summary>
/// Gives an event its stored, versioned type name (<c>case_filed.v1</c>). The name, never the CLR name, is what
/// the ledger stores, so a class may be renamed without rewriting history; a changed shape is a new version.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventTypeAttribute(string name) : Attribute
{
    /// <summary>The stored type name.</summary>
    public string Name { get; } = name;
}

/// <summary>
/// Something that happened to an enforcement case, as the file records it. Events are facts in the past tense and
/// are never changed: a correction is a new event. <see cref="On"/> is the legal (effective) date of the act in
/// China Standard Time; when it was recorded is the ledger's own clock, kept beside the event.
/// The hierarchy is closed (private constructor) so that every <c>switch</c> over it is checked to be exhaustive.
/// </summary>
public abstract record CaseEvent
{
    private CaseEvent() { }

    /// <summary>The date the act took effect (立案日期, 决定日期, 缴款日期 …), not when it was keyed in.</summary>
    public abstract LocalDate On { get; init; }

    // ----- Lead, filing and investigation (《市场监督管理行政处罚程序规定》 ch. 3) -----

    /// <summary>
    /// 登记线索: a lead was registered — the start of every penalty case. It fixes the case's region, kind (its row in
    /// the statistics), party, the right infringed, flags and campaigns, and, when known, the date the violation
    /// was committed, which decides the law applicable to the fine (行政处罚法 art. 37).
    /// </summary>
    [EventType("lead_registered.v1")]
    public sealed record LeadRegistered(
        LocalDate On, LeadSource Source, string Summary, RegionCode Region, CaseKind Kind, Party Party,
        ProtectedRight? Right, LocalDate? ViolationOn, IReadOnlyList<string> Flags, IReadOnlyList<string> Campaigns) : CaseEvent;

    /// <summary>不予立案: the bureau decided not to file the lead, for the ground stated; the lead ends here.</summary>
    [EventType("lead_not_filed.v1")]
    public sealed record LeadNotFiled(LocalDate On, string Ground, string ApprovedBy) : CaseEvent;

    /// <summary>线索移送: the whole lead was sent, before filing, to the competent bureau of another region.</summary>
    [EventType("lead_transferred.v1")]
    public sealed record LeadTransferred(LocalDate On, RegionCode TargetRegion, string Reason) : CaseEvent;

    /// <summary>
    /// 延长立案期限: the head of the bureau extended the 15 working days for deciding on filing by another 15
    /// (程序规定 art. 18).
    /// </summary>
    [EventType("filing_period_extended.v1")]
    public sealed record FilingPeriodExtended(LocalDate On, string ApprovedBy, string Reason) : CaseEvent;

    /// <summary>立案: the case was filed with the approval of the head of the bureau; the 90-day decision period starts.</summary>
    [EventType("case_filed.v1")]
    public sealed record CaseFiled(LocalDate On, string ApprovedBy, IReadOnlyList<string> LegalBases) : CaseEvent;

    /// <summary>
    /// 指定办案人员: certified officers were made handlers of the case; at least two handle a filed case
    /// (行政处罚法 art. 42). Handlers may not review, approve or preside over a hearing of their own case.
    /// </summary>
    [EventType("officers_assigned.v1")]
    public sealed record OfficersAssigned(LocalDate On, IReadOnlyList<Officer> Officers) : CaseEvent;

    /// <summary>调查取证: evidence was collected (inspection record, photographs, statements, the right holder's identification).</summary>
    [EventType("evidence_recorded.v1")]
    public sealed record EvidenceRecorded(LocalDate On, string Description) : CaseEvent;

    /// <summary>
    /// 先行登记保存 / 查封 / 扣押: goods were held. <see cref="MeasureId"/> names the measure so its release can refer to it.
    /// </summary>
    [EventType("goods_held.v1")]
    public sealed record GoodsHeld(LocalDate On, string MeasureId, GoodsMeasure Measure, string Description, Money? Value) : CaseEvent;

    /// <summary>解除: a hold on goods was lifted.</summary>
    [EventType("goods_released.v1")]
    public sealed record GoodsReleased(LocalDate On, string MeasureId, string Reason) : CaseEvent;

    /// <summary>
    /// 延长查封、扣押期限: the head of the bureau extended a sealing or seizure by 30 days, once (行政强制法第二十五条).
    /// </summary>
    [EventType("goods_hold_extended.v1")]
    public sealed record GoodsHoldExtended(LocalDate On, string MeasureId, string ApprovedBy, string Reason) : CaseEvent;

    /// <summary>
    /// A hold on goods ended other than by release: the goods were confiscated or destroyed as the decision ordered,
    /// handed over with the transferred case, or (先行登记保存) sealed or seized instead (行政强制法第二十八条; 行政处罚法第五十六条).
    /// </summary>
    [EventType("goods_hold_ended.v1")]
    public sealed record GoodsHoldEnded(LocalDate On, string MeasureId, GoodsHoldEnding Ending, string Note) : CaseEvent;

    /// <summary>
    /// 不计入期限: testing, inspection, quarantine, appraisal, the right holder's identification, public notice or an order to
    /// refund began; its time does not count towards the filing period (the first five) or the decision period (all)
    /// (《市场监督管理行政处罚程序规定》第十八条、第六十三条).
    /// </summary>
    [EventType("excluded_period_started.v1")]
    public sealed record ExcludedPeriodStarted(LocalDate On, ExcludedPeriodKind Kind, string Description) : CaseEvent;

    /// <summary>The excluded period of <see cref="Kind"/> ended: time counts again from this day.</summary>
    [EventType("excluded_period_ended.v1")]
    public sealed record ExcludedPeriodEnded(LocalDate On, ExcludedPeriodKind Kind) : CaseEvent;

    /// <summary>
    /// 中止: the investigation was suspended (e.g. while ownership of the mark or the patent's validity is disputed).
    /// Time suspended does not count towards the decision period.
    /// </summary>
    [EventType("case_suspended.v1")]
    public sealed record CaseSuspended(LocalDate On, string Reason) : CaseEvent;

    /// <summary>恢复: a suspended case was resumed.</summary>
    [EventType("case_resumed.v1")]
    public sealed record CaseResumed(LocalDate On, string Reason) : CaseEvent;

    /// <summary>
    /// 认定涉案金额: illegal turnover (违法经营额), value of goods (货值金额) and illegal gains (违法所得) were assessed,
    /// each with its method. A later assessment replaces the earlier one. Version 2: version 1 had no methods.
    /// </summary>
    [EventType("amounts_assessed.v2")]
    public sealed record AmountsAssessed(LocalDate On, Assessment? Turnover, Assessment? GoodsValue, Assessment? IllegalGains) : CaseEvent;

    /// <summary>
    /// The party was found to be an innocent seller: did not know the goods infringed, proved lawful acquisition and
    /// named the supplier (商标法 art. 60(2)). Such a party is ordered to stop selling and is not fined.
    /// </summary>
    [EventType("innocent_seller_established.v1")]
    public sealed record InnocentSellerEstablished(LocalDate On, string Supplier, RegionCode? SupplierRegion, string Evidence) : CaseEvent;

    /// <summary>
    /// 线索移送: a lead arising from this case (typically the supplier of an innocent seller) was referred to the
    /// bureau of another region; this case continues.
    /// </summary>
    [EventType("related_lead_referred.v1")]
    public sealed record RelatedLeadReferred(LocalDate On, RegionCode TargetRegion, string Summary) : CaseEvent;

    /// <summary>联合办案: the case is handled jointly with the bureau of another region; it is counted once, where filed.</summary>
    [EventType("joint_handling_agreed.v1")]
    public sealed record JointHandlingAgreed(LocalDate On, RegionCode PartnerRegion, string Summary) : CaseEvent;

    // ----- Review, notice, defence and hearing (行政处罚法 art. 44–45, 58, 63–65) -----

    /// <summary>
    /// 法制审核: the legal reviewer, who is not a handler, examined the case before decision (行政处罚法 art. 58).
    /// When not <see cref="Approved"/>, the case goes back to the handlers.
    /// </summary>
    [EventType("legal_review_completed.v1")]
    public sealed record LegalReviewCompleted(LocalDate On, string ReviewerId, bool Approved, string Opinion) : CaseEvent;

    /// <summary>
    /// 行政处罚告知: the party was told the facts, the basis and the proposed penalty, and its rights: to state a defence
    /// by <see cref="StatementDueOn"/>, and — when the proposal reaches the hearing threshold — to request a hearing by
    /// <see cref="HearingRequestDueOn"/> (行政处罚法 art. 44, 63–64; "five days" are working days by art. 85).
    /// </summary>
    [EventType("advance_notice_served.v1")]
    public sealed record AdvanceNoticeServed(
        LocalDate On, IReadOnlyList<PenaltyItem> ProposedItems, IReadOnlyList<string> LegalBases,
        LocalDate StatementDueOn, bool HearingRightGranted, LocalDate? HearingRequestDueOn) : CaseEvent;

    /// <summary>陈述申辩: the party stated its defence. The penalty may not become heavier because of it (art. 45).</summary>
    [EventType("statement_of_defence_received.v1")]
    public sealed record StatementOfDefenceReceived(LocalDate On, string Summary) : CaseEvent;

    /// <summary>
    /// 放弃陈述、申辩和听证权利: the party waived in writing its rights to state a defence and to request a hearing on the
    /// advance notice in force, so a decision need not wait for the end of its period (行政处罚法第四十五条、第六十二条、第六十四条).
    /// <see cref="Summary"/> says what the written waiver holds.
    /// </summary>
    [EventType("defence_rights_waived.v1")]
    public sealed record DefenceRightsWaived(LocalDate On, string Summary) : CaseEvent;

    /// <summary>要求听证: the party requested a hearing; no decision may be taken until it is held or withdrawn.</summary>
    [EventType("hearing_requested.v1")]
    public sealed record HearingRequested(LocalDate On) : CaseEvent;

    /// <summary>放弃听证: the party withdrew its hearing request.</summary>
    [EventType("hearing_request_withdrawn.v1")]
    public sealed record HearingRequestWithdrawn(LocalDate On) : CaseEvent;

    /// <summary>
    /// 举行听证: the hearing was held, presided by someone who did not investigate the case (art. 64(4)).
    /// The time from request to hearing does not count towards the decision period.
    /// </summary>
    [EventType("hearing_held.v1")]
    public sealed record HearingHeld(LocalDate On, string PresidedBy, string Summary) : CaseEvent;

    /// <summary>
    /// 延长办案期限: the head of the bureau extended the decision period (by 30 days for a penalty case, by one month
    /// for a patent dispute).
    /// </summary>
    [EventType("decision_period_extended.v1")]
    public sealed record DecisionPeriodExtended(LocalDate On, string ApprovedBy, string Reason) : CaseEvent;

    // ----- Decision (行政处罚法 art. 57, 59) -----

    /// <summary>
    /// 作出行政处罚决定: a penalty decision with its number (稷市监处罚〔2025〕12号) and items. <see cref="AppliedRule"/>
    /// cites the fine provision applied after 从旧兼从轻 (行政处罚法 art. 37) and the cap it allowed. <see cref="Mitigation"/>
    /// is the 从轻 or 减轻 the decision applied, with its ground (art. 30–32); null when it applied none. Version 1 had no
    /// mitigation (read as none).
    /// </summary>
    [EventType("penalty_decided.v2")]
    public sealed record PenaltyDecided(
        LocalDate On, string DecisionNumber, IReadOnlyList<PenaltyItem> Items, IReadOnlyList<string> LegalBases,
        string? AppliedRule, string ApprovedBy, Mitigation? Mitigation = null) : CaseEvent;

    /// <summary>
    /// 不予行政处罚: the bureau decided not to penalise, on the ground stated; orders to stop or correct may still be
    /// made (the innocent seller is ordered to stop selling).
    /// </summary>
    [EventType("no_penalty_decided.v1")]
    public sealed record NoPenaltyDecided(
        LocalDate On, string? DecisionNumber, NoPenaltyGround Ground, IReadOnlyList<PenaltyItem> Orders,
        IReadOnlyList<string> LegalBases, string ApprovedBy) : CaseEvent;

    /// <summary>
    /// 移送: the filed case was transferred — to the bureau of another region, to the police as a suspected crime
    /// (行政处罚法 art. 27), or to another agency. Transfers are counted separately from decided cases.
    /// </summary>
    [EventType("case_transferred.v1")]
    public sealed record CaseTransferred(
        LocalDate On, TransferTarget Target, RegionCode? TargetRegion, string? TargetAgency, string Reason, string ApprovedBy) : CaseEvent;

    /// <summary>
    /// 公安机关退回: the police decided not to open a criminal case on a case transferred to them, or closed the one they
    /// opened, and sent it back (《行政执法机关移送涉嫌犯罪案件的规定》第九条、第十一条). The transfer no longer stands: the
    /// case is the bureau's to decide again, an administrative penalty included (行政处罚法第二十七条).
    /// <see cref="Reference"/> is the police's notice (不予立案通知书, 撤销案件决定书).
    /// </summary>
    [EventType("police_returned_case.v1")]
    public sealed record PoliceReturnedCase(LocalDate On, PoliceReturnGround Ground, string Agency, string Reference) : CaseEvent;

    /// <summary>撤销立案: the filing was withdrawn (e.g. the facts do not amount to a violation).</summary>
    [EventType("filing_withdrawn.v1")]
    public sealed record FilingWithdrawn(LocalDate On, string Reason, string ApprovedBy) : CaseEvent;

    /// <summary>送达: the decision was served on the party (due within 7 working days, art. 61); the payment period starts.</summary>
    [EventType("decision_served.v1")]
    public sealed record DecisionServed(LocalDate On, string Method) : CaseEvent;

    // ----- Execution (行政处罚法 art. 66–72) -----

    /// <summary>暂缓缴纳: payment was deferred to <see cref="NewDueOn"/> (art. 66).</summary>
    [EventType("payment_deferred.v1")]
    public sealed record PaymentDeferred(LocalDate On, LocalDate NewDueOn, string ApprovedBy, string Reason) : CaseEvent;

    /// <summary>分期缴纳: payment in instalments was allowed (art. 66); the instalments add up to what was owed.</summary>
    [EventType("instalments_granted.v1")]
    public sealed record InstalmentsGranted(LocalDate On, IReadOnlyList<Instalment> Instalments, string ApprovedBy) : CaseEvent;

    /// <summary>缴款: money was paid towards the fine and confiscations (and any late surcharge).</summary>
    [EventType("payment_received.v1")]
    public sealed record PaymentReceived(LocalDate On, Money Amount, string Reference) : CaseEvent;

    // ----- Review (行政复议法, 行政诉讼法) -----

    /// <summary>
    /// 申请行政复议 / 提起行政诉讼: the decision was challenged before <see cref="Body"/>, by the party or by a third party
    /// with an interest in it (<see cref="Applicant"/>, named in <see cref="ApplicantName"/>). Version 1 recorded no
    /// applicant: it is read as the party.
    /// </summary>
    [EventType("review_applied.v2")]
    public sealed record ReviewApplied(
        LocalDate On, ReviewKind Kind, string Body, ReviewApplicant Applicant = ReviewApplicant.Party, string? ApplicantName = null) : CaseEvent;

    /// <summary>
    /// 主动改正: the bureau itself varied or revoked its decision (行政处罚法第七十五条第一款), on its own finding and not as a
    /// reconsideration body or court decided — <see cref="Change"/> is varied (<see cref="VariedItems"/> replace the
    /// items), revoked, or revoked with the case to be decided again.
    /// </summary>
    [EventType("decision_changed_by_bureau.v1")]
    public sealed record DecisionChangedByBureau(
        LocalDate On, ReviewOutcome Change, string Reason, string ApprovedBy, IReadOnlyList<PenaltyItem> VariedItems) : CaseEvent;

    /// <summary>
    /// 复议决定 / 判决: the review ended. <see cref="ReviewOutcome.Varied"/> replaces the decision's items with
    /// <see cref="VariedItems"/>; revocation removes the decision, and with an order to decide again reopens the case.
    /// </summary>
    [EventType("review_concluded.v1")]
    public sealed record ReviewConcluded(
        LocalDate On, ReviewKind Kind, ReviewOutcome Outcome, string Reference, IReadOnlyList<PenaltyItem> VariedItems) : CaseEvent;

    /// <summary>结案: the case was closed on the ground stated.</summary>
    [EventType("case_closed.v1")]
    public sealed record CaseClosed(LocalDate On, ClosingGround Ground, string Summary) : CaseEvent;

    /// <summary>
    /// 更正: particulars recorded earlier were wrong and are corrected from <see cref="On"/>; the fields given replace
    /// the recorded ones, fields left null are unchanged. The earlier record stays in the history.
    /// </summary>
    [EventType("case_details_corrected.v1")]
    public sealed record CaseDetailsCorrected(
        LocalDate On, string Reason, CaseKind? Kind, RegionCode? Region, Party? Party, ProtectedRight? Right,
        LocalDate? ViolationOn, IReadOnlyList<string>? Flags, IReadOnlyList<string>? Campaigns) : CaseEvent;

    /// <summary>
    /// 作废: the step recorded as version <see cref="Version"/> (a <see cref="VoidedType"/> dated <see cref="VoidedOn"/>) was
    /// recorded wrongly and no longer counts: the case, its deadlines and its totals are as if it had not been recorded
    /// (<see cref="CaseModel.Evolve"/> folds the history again without it). The step itself stays in the history, and a
    /// read as of a moment before this event still shows it, as the ledger knew it then.
    /// </summary>
    [EventType("step_voided.v1")]
    public sealed record StepVoided(LocalDate On, long Version, string VoidedType, LocalDate VoidedOn, string Reason, string ApprovedBy) : CaseEvent;

    // ----- Patent infringement disputes (专利法 art. 65; 专利行政执法办法) -----

    /// <summary>
    /// 请求处理专利侵权纠纷: the patentee (requester) asked the bureau to handle a dispute with the respondent.
    /// The start of a dispute case.
    /// </summary>
    [EventType("dispute_requested.v1")]
    public sealed record DisputeRequested(
        LocalDate On, RegionCode Region, Party Requester, Party Respondent, ProtectedRight Patent, string Summary,
        IReadOnlyList<string> Flags, IReadOnlyList<string> Campaigns) : CaseEvent;

    /// <summary>立案受理: the request was accepted; the three-month period for deciding starts.</summary>
    [EventType("dispute_accepted.v1")]
    public sealed record DisputeAccepted(LocalDate On, string ApprovedBy, IReadOnlyList<Officer> Officers) : CaseEvent;

    /// <summary>答辩: the respondent answered (due within 15 days of service of the request).</summary>
    [EventType("dispute_answer_received.v1")]
    public sealed record DisputeAnswerReceived(LocalDate On, string Summary) : CaseEvent;

    /// <summary>口头审理: the oral hearing was held.</summary>
    [EventType("oral_hearing_held.v1")]
    public sealed record OralHearingHeld(LocalDate On, string Summary) : CaseEvent;

    /// <summary>
    /// 行政裁决: the bureau adjudicated; when infringement is found the respondent is ordered to stop. No fine is
    /// possible in a dispute: damages can only be mediated.
    /// </summary>
    [EventType("dispute_adjudicated.v1")]
    public sealed record DisputeAdjudicated(LocalDate On, string DecisionNumber, AdjudicationFinding Finding, string ApprovedBy) : CaseEvent;

    /// <summary>行政调解: the parties agreed, in mediation, on the terms and any damages (paid between them, not to the state).</summary>
    [EventType("mediation_agreed.v1")]
    public sealed record MediationAgreed(LocalDate On, Money? Damages, string Terms) : CaseEvent;

    /// <summary>司法确认: a court confirmed the mediation agreement, making it enforceable.</summary>
    [EventType("judicial_confirmation_obtained.v1")]
    public sealed record JudicialConfirmationObtained(LocalDate On, string Court, string Reference) : CaseEvent;

    /// <summary>撤回请求: the requester withdrew the dispute.</summary>
    [EventType("dispute_withdrawn.v1")]
    public sealed record DisputeWithdrawn(LocalDate On, string Reason) : CaseEvent;
}

/// <summary>One instalment of a payment plan (分期缴纳).</summary>
public sealed record Instalment(LocalDate DueOn, Money Amount);
