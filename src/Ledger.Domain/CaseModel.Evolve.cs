namespace Ledger.Domain;

/// <summary>
/// The enforcement case's behaviour: <see cref="Decide"/> turns a command into events or refuses it, and
/// <see cref="Evolve"/> applies one event to the state. Both are pure: the time and the rules come in as arguments.
/// </summary>
public static partial class CaseModel
{
    /// <summary>The state after <paramref name="history"/>.</summary>
    public static CaseState Replay(IEnumerable<CaseEvent> history) => history.Aggregate(CaseState.Initial, Evolve);

    /// <summary>
    /// The case as if the voided steps had never been recorded: the history folded again without them (and without
    /// the voids, which change nothing else), keeping the stream's version, the whole history and the list of voids.
    /// </summary>
    private static CaseState WithoutVoidedSteps(CaseState s, CaseEvent.StepVoided e)
    {
        var steps = s.Steps ?? throw new InvalidOperationException(
            $"a void (of step {e.Version}) is applied to a state kept without its history; fold the case from its first event (CaseModel.Replay)");
        IReadOnlyList<long> voided = [.. s.VoidedVersions, e.Version];
        var remaining = steps.Where((step, index) => step is not CaseEvent.StepVoided && !voided.Contains(index + 1));
        return Replay(remaining) with { Version = s.Version, Steps = steps, VoidedVersions = voided };
    }

    /// <summary>Applies one recorded event. Never refuses: what was recorded happened.</summary>
    public static CaseState Evolve(CaseState state, CaseEvent @event)
    {
        var s = state with { Version = state.Version + 1, Steps = state.Steps is { } steps ? [.. steps, @event] : null };
        return @event switch
        {
            CaseEvent.StepVoided e => WithoutVoidedSteps(s, e),
            CaseEvent.LeadRegistered e => s with
            {
                Status = CaseStatus.Lead, Procedure = Procedure.Penalty, Source = e.Source, Region = e.Region, Kind = e.Kind,
                Party = e.Party, Right = e.Right, ViolationOn = e.ViolationOn, Flags = e.Flags, Campaigns = e.Campaigns, LeadOn = e.On,
            },
            CaseEvent.LeadNotFiled e => s with { Status = CaseStatus.NotFiled, LeadDecidedOn = e.On },
            CaseEvent.LeadTransferred e => s with { Status = CaseStatus.LeadTransferred, LeadDecidedOn = e.On, ReferredLeads = [.. s.ReferredLeads, e.TargetRegion] },
            CaseEvent.FilingPeriodExtended => s with { FilingPeriodExtended = true },
            CaseEvent.CaseFiled e => s with
            {
                Status = CaseStatus.Investigating, FiledOn = e.On, LeadDecidedOn = e.On, LegalBases = Merge(s.LegalBases, e.LegalBases), FilingBases = e.LegalBases,
            },
            CaseEvent.OfficersAssigned e => s with { Handlers = [.. s.Handlers, .. e.Officers.Where(o => s.Handlers.All(h => h.CertificateNumber != o.CertificateNumber))] },
            CaseEvent.EvidenceRecorded => s with { EvidenceCount = s.EvidenceCount + 1 },
            CaseEvent.GoodsHeld e => s with { Goods = [.. s.Goods, new GoodsHold(e.MeasureId, e.Measure, e.On, e.Value, null)] },
            CaseEvent.GoodsReleased e => s with { Goods = [.. s.Goods.Select(g => g.MeasureId == e.MeasureId ? g with { ReleasedOn = e.On } : g)] },
            CaseEvent.GoodsHoldExtended e => s with { Goods = [.. s.Goods.Select(g => g.MeasureId == e.MeasureId ? g with { ExtendedOn = e.On } : g)] },
            CaseEvent.GoodsHoldEnded e => s with { Goods = [.. s.Goods.Select(g => g.MeasureId == e.MeasureId ? g with { EndedOn = e.On, Ending = e.Ending } : g)] },
            CaseEvent.ExcludedPeriodStarted e => s with
            {
                ExcludedPeriods = [.. s.ExcludedPeriods, new ExcludedPeriod($"{ExcludedPeriod.NameOf(e.Kind)}: {e.Description}", e.On, null, e.Kind)],
            },
            CaseEvent.ExcludedPeriodEnded e => s with
            {
                ExcludedPeriods = [.. s.ExcludedPeriods.Select(p => p.Kind == e.Kind && p.Until is null ? p with { Until = e.On } : p)],
            },
            CaseEvent.CaseSuspended e => s with { Status = CaseStatus.Suspended, ExcludedPeriods = [.. s.ExcludedPeriods, new ExcludedPeriod("中止: " + e.Reason, e.On, null)] },
            CaseEvent.CaseResumed e => s with { Status = CaseStatus.Investigating, ExcludedPeriods = CloseOpenPeriod(s.ExcludedPeriods, "中止", e.On) },
            CaseEvent.AmountsAssessed e => s with { Turnover = e.Turnover, GoodsValue = e.GoodsValue, IllegalGains = e.IllegalGains },
            CaseEvent.InnocentSellerEstablished e => s with { InnocentSellerSupplier = e.Supplier },
            CaseEvent.RelatedLeadReferred e => s with { ReferredLeads = [.. s.ReferredLeads, e.TargetRegion] },
            CaseEvent.JointHandlingAgreed e => s with { JointRegions = [.. s.JointRegions, e.PartnerRegion] },
            CaseEvent.LegalReviewCompleted e => s with { LegalReview = new LegalReviewState(e.ReviewerId, e.Approved, e.On) },
            CaseEvent.AdvanceNoticeServed e => s with
            {
                Notice = new NoticeState(e.On, e.ProposedItems, e.HearingRightGranted, e.StatementDueOn, e.HearingRequestDueOn),
                LegalBases = Merge(s.LegalBases, e.LegalBases),
            },
            CaseEvent.StatementOfDefenceReceived e => s with { DefenceStated = true, Notice = s.Notice is { } n ? n with { HeardOn = n.HeardOn ?? e.On } : null },
            CaseEvent.DefenceRightsWaived e => s with { Notice = s.Notice is { } n ? n with { WaivedOn = e.On } : null },
            CaseEvent.HearingRequested e => s with
            {
                HearingPendingSince = e.On,
                ExcludedPeriods = [.. s.ExcludedPeriods, new ExcludedPeriod("听证", e.On, null)],
            },
            CaseEvent.HearingRequestWithdrawn e => s with
            {
                HearingPendingSince = null,
                ExcludedPeriods = CloseOpenPeriod(s.ExcludedPeriods, "听证", e.On),
                Notice = s.Notice is { } n ? n with { HearingSettledOn = e.On } : null,
            },
            // At a hearing the party states its case (行政处罚法第六十五条): it has been heard.
            CaseEvent.HearingHeld e => s with
            {
                HearingPendingSince = null,
                HearingHeldOn = e.On,
                ExcludedPeriods = CloseOpenPeriod(s.ExcludedPeriods, "听证", e.On),
                Notice = s.Notice is { } n ? n with { HearingSettledOn = e.On, HeardOn = n.HeardOn ?? e.On } : null,
            },
            CaseEvent.DecisionPeriodExtended => s with { DecisionPeriodExtended = true },
            // The statistics and the case file follow the decision in force: its bases replace an earlier decision's.
            CaseEvent.PenaltyDecided e => Decided(s, new CaseDecision(DecisionKind.Penalty, e.On, e.DecisionNumber, e.Items, e.ApprovedBy,
                AppliedRule: e.AppliedRule, Mitigation: e.Mitigation)) with
            {
                LegalBases = Merge(s.FilingBases, e.LegalBases),
            },
            CaseEvent.NoPenaltyDecided e => Decided(s, new CaseDecision(DecisionKind.NoPenalty, e.On, e.DecisionNumber, e.Orders, e.ApprovedBy)) with
            {
                LegalBases = Merge(s.FilingBases, e.LegalBases),
            },
            CaseEvent.CaseTransferred e => Decided(s, new CaseDecision(DecisionKind.Transfer, e.On, null, [], e.ApprovedBy, e.Target, e.TargetRegion,
                TransferAgency: e.TargetAgency)),
            // The transfer stays among the earlier decisions; the case is under investigation again, open and undecided.
            CaseEvent.PoliceReturnedCase => s with
            {
                Status = CaseStatus.Investigating,
                Decision = null,
                EarlierDecisions = s.Decision is null ? s.EarlierDecisions : [.. s.EarlierDecisions, s.Decision],
                ClosedOn = null,
                ClosingGround = null,
            },
            CaseEvent.FilingWithdrawn e => Decided(s, new CaseDecision(DecisionKind.FilingWithdrawn, e.On, null, [], e.ApprovedBy)),
            CaseEvent.DecisionServed e => s with { ServedOn = e.On },
            CaseEvent.PaymentDeferred e => s with { DeferredDueOn = e.NewDueOn },
            CaseEvent.InstalmentsGranted e => s with { Instalments = e.Instalments },
            CaseEvent.PaymentReceived e => s with { Payments = [.. s.Payments, new PaymentRecord(e.On, e.Amount)] },
            CaseEvent.ReviewApplied e => s with { Reviews = [.. s.Reviews, new CaseReview(e.Kind, e.On, e.Body, null, null, e.Applicant, e.ApplicantName)] },
            CaseEvent.DecisionChangedByBureau e => Changed(s, e.Change, e.VariedItems, e.On),
            CaseEvent.ReviewConcluded e => Concluded(s, e),
            CaseEvent.CaseClosed e => s with { Status = CaseStatus.Closed, ClosedOn = e.On, ClosingGround = e.Ground },
            CaseEvent.CaseDetailsCorrected e => s with
            {
                Kind = e.Kind ?? s.Kind, Region = e.Region ?? s.Region, Party = e.Party ?? s.Party, Right = e.Right ?? s.Right,
                ViolationOn = e.ViolationOn ?? s.ViolationOn, Flags = e.Flags ?? s.Flags, Campaigns = e.Campaigns ?? s.Campaigns,
            },
            CaseEvent.DisputeRequested e => s with
            {
                Status = CaseStatus.Lead, Procedure = Procedure.PatentDispute, Kind = CaseKind.PatentInfringementDispute, Region = e.Region,
                Requester = e.Requester, Party = e.Respondent, Right = e.Patent, Flags = e.Flags, Campaigns = e.Campaigns, LeadOn = e.On,
                Source = LeadSource.Complaint,
            },
            CaseEvent.DisputeAccepted e => s with
            {
                Status = CaseStatus.Investigating, FiledOn = e.On, LeadDecidedOn = e.On,
                Handlers = [.. s.Handlers, .. e.Officers.Where(o => s.Handlers.All(h => h.CertificateNumber != o.CertificateNumber))],
            },
            CaseEvent.DisputeAnswerReceived e => s with { AnsweredOn = e.On },
            CaseEvent.OralHearingHeld e => s with { OralHearingOn = e.On },
            CaseEvent.DisputeAdjudicated e => Decided(s, new CaseDecision(DecisionKind.Adjudication, e.On, e.DecisionNumber,
                e.Finding == AdjudicationFinding.Infringes ? [new PenaltyItem(PenaltyItemKind.OrderToStop)] : [], e.ApprovedBy)),
            CaseEvent.MediationAgreed e => Decided(s, new CaseDecision(DecisionKind.Mediation, e.On, null, [], "")) with { MediatedDamages = e.Damages },
            CaseEvent.JudicialConfirmationObtained e => s with { ConfirmedBy = e.Court },
            CaseEvent.DisputeWithdrawn e => Decided(s, new CaseDecision(DecisionKind.DisputeWithdrawn, e.On, null, [], "")),
            // C# cannot prove a closed hierarchy exhaustive; a test evolves a sample of every event type instead.
            _ => throw new System.Diagnostics.UnreachableException($"no Evolve case for {@event.GetType().Name}"),
        };
    }

    private static CaseState Decided(CaseState s, CaseDecision decision) => s with
    {
        // A decision taken after closing can only follow a revocation with an order to decide again; it reopens the case.
        Status = CaseStatus.Decided,
        Decision = decision,
        EarlierDecisions = s.Decision is null ? s.EarlierDecisions : [.. s.EarlierDecisions, s.Decision],
        AwaitingNewDecision = false,
        ClosedOn = null,
        ClosingGround = null,
        ServedOn = null,
        DeferredDueOn = null,
        Instalments = [],
    };

    private static CaseState Concluded(CaseState s, CaseEvent.ReviewConcluded e)
    {
        var reviews = s.Reviews.ToList();
        var pending = reviews.FindLastIndex(r => r.Kind == e.Kind && r.Outcome is null);
        if (pending >= 0) reviews[pending] = reviews[pending] with { Outcome = e.Outcome, ConcludedOn = e.On };
        return Changed(s with { Reviews = reviews }, e.Outcome, e.VariedItems, e.On);
    }

    /// <summary>The decision as a review's outcome or the bureau's own change leaves it.</summary>
    private static CaseState Changed(CaseState s, ReviewOutcome outcome, IReadOnlyList<PenaltyItem> variedItems, NodaTime.LocalDate on) =>
        outcome switch
        {
            ReviewOutcome.Upheld or ReviewOutcome.Withdrawn => s,
            ReviewOutcome.Varied => s with
            {
                Decision = s.Decision! with { Items = variedItems, On = on },
                EarlierDecisions = [.. s.EarlierDecisions, s.Decision!],
            },
            ReviewOutcome.Revoked or ReviewOutcome.DeclaredUnlawful => s with { Decision = s.Decision! with { Revoked = true }, LegalBases = s.FilingBases },
            ReviewOutcome.RevokedWithOrderToDecideAgain => s with
            {
                Decision = s.Decision! with { Revoked = true },
                LegalBases = s.FilingBases,
                AwaitingNewDecision = true,
                Status = CaseStatus.Investigating,
                ClosedOn = null,
                ClosingGround = null,
                // The new decision needs its own notice, review and (if requested) hearing.
                Notice = null,
                LegalReview = null,
                HearingHeldOn = null,
                HearingPendingSince = null,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown review outcome"),
        };

    private static IReadOnlyList<ExcludedPeriod> CloseOpenPeriod(IReadOnlyList<ExcludedPeriod> periods, string reasonPrefix, NodaTime.LocalDate until) =>
        [.. periods.Select(p => p.Until is null && p.Reason.StartsWith(reasonPrefix, StringComparison.Ordinal) ? p with { Until = until } : p)];

    private static IReadOnlyList<string> Merge(IReadOnlyList<string> existing, IReadOnlyList<string> added) =>
        [.. existing, .. added.Where(a => !existing.Contains(a))];
}
