using NodaTime;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

// The one exhaustive switch over the commands, when a command is allowed (its status, its date after the steps it
// follows, the procedure), and the field checks every stage shares. What each stage decides is in the partial files
// beside this one: Filing, Investigation, NoticeAndHearing, Decision, Payment, Review, PatentDispute, ClosureAndCorrection.
public static partial class CaseModel
{
    /// <summary>
    /// Decides what <paramref name="command"/> records on a case in <paramref name="state"/>, or refuses it with a
    /// <see cref="DomainRuleViolation"/> naming the field and the rule. Late steps are recorded, not refused: the
    /// deadlines show them (<see cref="CaseDeadlines"/>).
    /// </summary>
    public static IReadOnlyList<CaseEvent> Decide(CaseCommand command, CaseState state, DecisionContext context)
    {
        CheckCommon(command, state, context);
        return command switch
        {
            RegisterLead c => [RegisterLeadEvent(c)],
            DecideNotToFile c => Step(state, c, [CaseStatus.Lead], () =>
                new CaseEvent.LeadNotFiled(c.On, Text(c.Ground, "ground"), Text(c.ApprovedBy, "approved_by"))),
            TransferLead c => Step(state, c, [CaseStatus.Lead], () =>
                new CaseEvent.LeadTransferred(c.On, OtherRegion(state, c.TargetRegion, "target_region"), Text(c.Reason, "reason"))),
            ExtendFilingPeriod c => Step(state, c, [CaseStatus.Lead], () => state.FilingPeriodExtended
                ? throw Refuse("case", "the filing period was already extended; 程序规定 allows one extension of 15 working days (《市场监督管理行政处罚程序规定》第十八条)")
                : new CaseEvent.FilingPeriodExtended(c.On, Text(c.ApprovedBy, "approved_by"), Text(c.Reason, "reason"))),
            FileCase c => Step(state, c, [CaseStatus.Lead], () =>
                new CaseEvent.CaseFiled(c.On, Text(c.ApprovedBy, "approved_by"), Bases(c.LegalBases, "legal_bases"))),
            AssignOfficers c => Step(state, c, [CaseStatus.Investigating, CaseStatus.Suspended], () => AssignOfficersEvent(state, c)),
            RecordEvidence c => Step(state, c, [CaseStatus.Lead, CaseStatus.Investigating, CaseStatus.Suspended], () =>
                new CaseEvent.EvidenceRecorded(c.On, Text(c.Description, "description"))),
            HoldGoods c => Step(state, c, [CaseStatus.Investigating], () => state.Goods.Any(g => g.MeasureId == c.MeasureId)
                ? throw Refuse("measure_id", $"a measure '{c.MeasureId}' is already recorded on this case")
                : new CaseEvent.GoodsHeld(c.On, Text(c.MeasureId, "measure_id"), c.Measure, Text(c.Description, "description"), c.Value)),
            ReleaseGoods c => ReleaseGoodsEvent(state, c),
            ExtendGoodsHold c => [ExtendHoldEvent(state, c)],
            EndGoodsHold c => [EndHoldEvent(state, c)],
            StartExcludedPeriod c => Step(state, c, [CaseStatus.Lead, CaseStatus.Investigating, CaseStatus.Suspended], () => StartExcludedEvent(state, c)),
            EndExcludedPeriod c => Step(state, c, [CaseStatus.Lead, CaseStatus.Investigating, CaseStatus.Suspended], () => EndExcludedEvent(state, c)),
            SuspendCase c => Step(state, c, [CaseStatus.Investigating], () => new CaseEvent.CaseSuspended(c.On, Text(c.Reason, "reason"))),
            ResumeCase c => Step(state, c, [CaseStatus.Suspended], () => new CaseEvent.CaseResumed(c.On, Text(c.Reason, "reason"))),
            AssessAmounts c => Step(state, c, [CaseStatus.Investigating], () => AssessEvent(c)),
            EstablishInnocentSeller c => Step(state, c, [CaseStatus.Investigating], () => state.Kind is not (CaseKind.TrademarkInfringement or CaseKind.GeographicalIndication)
                ? throw Refuse("kind", "商标法第六十条第二款 concerns sellers of goods infringing a registered trademark; this case is " + SnakeCase.Of(state.Kind))
                : new CaseEvent.InnocentSellerEstablished(c.On, Text(c.Supplier, "supplier"), c.SupplierRegion, Text(c.Evidence, "evidence"))),
            ReferRelatedLead c => Step(state, c, [CaseStatus.Investigating, CaseStatus.Suspended, CaseStatus.Decided], () =>
                new CaseEvent.RelatedLeadReferred(c.On, OtherRegion(state, c.TargetRegion, "target_region"), Text(c.Summary, "summary"))),
            AgreeJointHandling c => Step(state, c, [CaseStatus.Lead, CaseStatus.Investigating, CaseStatus.Suspended], () => state.JointRegions.Contains(c.PartnerRegion)
                ? throw Refuse("partner_region", $"joint handling with {c.PartnerRegion} is already recorded")
                : new CaseEvent.JointHandlingAgreed(c.On, OtherRegion(state, c.PartnerRegion, "partner_region"), Text(c.Summary, "summary"))),
            CompleteLegalReview c => Step(state, c, [CaseStatus.Investigating], () =>
                new CaseEvent.LegalReviewCompleted(c.On, NotHandler(state, Text(c.ReviewerId, "reviewer_id"), "reviewer_id",
                    "法制审核 is done by someone who is not a handler of the case (行政处罚法第五十八条; 《市场监督管理行政处罚程序规定》)"), c.Approved, Text(c.Opinion, "opinion"))),
            ServeAdvanceNotice c => Step(state, c, [CaseStatus.Investigating], () => AdvanceNoticeEvent(state, c, context)),
            RecordStatementOfDefence c => Step(state, c, [CaseStatus.Investigating, CaseStatus.Suspended], () => state.Notice is null
                ? throw Refuse("case", "a statement of defence answers an advance notice, and none has been served (行政处罚法第四十四条、第四十五条)")
                : new CaseEvent.StatementOfDefenceReceived(c.On, Text(c.Summary, "summary"))),
            WaiveDefenceRights c => Step(state, c, [CaseStatus.Investigating, CaseStatus.Suspended], () => WaiveEvent(state, c)),
            RequestHearing c => Step(state, c, [CaseStatus.Investigating, CaseStatus.Suspended], () => RequestHearingEvent(state, c)),
            WithdrawHearingRequest c => Step(state, c, [CaseStatus.Investigating, CaseStatus.Suspended], () => state.HearingPendingSince is null
                ? throw Refuse("case", "no hearing request is pending")
                : new CaseEvent.HearingRequestWithdrawn(c.On)),
            HoldHearing c => Step(state, c, [CaseStatus.Investigating], () => state.HearingPendingSince is null
                ? throw Refuse("case", "no hearing was requested, or it was already held or withdrawn")
                : new CaseEvent.HearingHeld(c.On, NotHandler(state, Text(c.PresidedBy, "presided_by"), "presided_by",
                    "a hearing is presided by someone who did not investigate the case (行政处罚法第六十四条第四项)"), Text(c.Summary, "summary"))),
            ExtendDecisionPeriod c => Step(state, c, [CaseStatus.Investigating, CaseStatus.Suspended], () => state.DecisionPeriodExtended
                ? throw Refuse("case", "the decision period was already extended; a further extension needs a collective decision of the bureau's leaders, recorded as such")
                : new CaseEvent.DecisionPeriodExtended(c.On, Text(c.ApprovedBy, "approved_by"), Text(c.Reason, "reason"))),
            DecidePenalty c => [DecidePenaltyEvent(state, c, context)],
            DecideNoPenalty c => [DecideNoPenaltyEvent(state, c, context)],
            TransferCase c => Step(state, c, [CaseStatus.Investigating, CaseStatus.Suspended], () => TransferEvent(state, c)),
            RecordPoliceReturn c => [PoliceReturnEvent(state, c)],
            WithdrawFiling c => Step(state, c, [CaseStatus.Investigating, CaseStatus.Suspended], () =>
                new CaseEvent.FilingWithdrawn(c.On, Text(c.Reason, "reason"), Text(c.ApprovedBy, "approved_by"))),
            ServeDecision c => Step(state, c, [CaseStatus.Decided], () => ServeEvent(state, c)),
            DeferPayment c => Step(state, c, [CaseStatus.Decided], () => DeferEvent(state, c, context)),
            GrantInstalments c => Step(state, c, [CaseStatus.Decided], () => InstalmentsEvent(state, c)),
            RecordPayment c => Step(state, c, [CaseStatus.Decided], () => PaymentEvent(state, c, context)),
            ApplyForReview c => [ApplyForReviewEvent(state, c)],
            ConcludeReview c => [ConcludeReviewEvent(state, c, context)],
            ChangeOwnDecision c => [ChangeOwnDecisionEvent(state, c, context)],
            CloseCase c => Step(state, c, [CaseStatus.Decided], () => CloseEvent(state, c)),
            CorrectCaseDetails c => [CorrectEvent(state, c)],
            VoidStep c => [VoidEvent(state, c)],
            RequestDispute c => [RequestDisputeEvent(c)],
            AcceptDispute c => Step(state, c, [CaseStatus.Lead], () =>
                new CaseEvent.DisputeAccepted(c.On, Text(c.ApprovedBy, "approved_by"), Officers([], c.Officers))),
            RecordDisputeAnswer c => Step(state, c, [CaseStatus.Investigating], () => new CaseEvent.DisputeAnswerReceived(c.On, Text(c.Summary, "summary"))),
            HoldOralHearing c => Step(state, c, [CaseStatus.Investigating], () => new CaseEvent.OralHearingHeld(c.On, Text(c.Summary, "summary"))),
            AdjudicateDispute c => Step(state, c, [CaseStatus.Investigating], () => new CaseEvent.DisputeAdjudicated(c.On, Text(c.DecisionNumber, "decision_number"), c.Finding,
                NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "an adjudication is approved by the head of the bureau, not by a handler of the case"))),
            RecordMediationAgreement c => Step(state, c, [CaseStatus.Investigating], () => new CaseEvent.MediationAgreed(c.On, c.Damages, Text(c.Terms, "terms"))),
            RecordJudicialConfirmation c => Step(state, c, [CaseStatus.Decided], () => state.Decision?.Kind != DecisionKind.Mediation
                ? throw Refuse("case", "a court confirms a mediation agreement, and this dispute has none")
                : state.ConfirmedBy is not null
                    ? throw Refuse("case", $"the agreement was already confirmed by {state.ConfirmedBy}")
                    : new CaseEvent.JudicialConfirmationObtained(c.On, Text(c.Court, "court"), Text(c.Reference, "reference"))),
            WithdrawDispute c => Step(state, c, [CaseStatus.Lead, CaseStatus.Investigating, CaseStatus.Suspended], () =>
                new CaseEvent.DisputeWithdrawn(c.On, Text(c.Reason, "reason"))),
            _ => throw new System.Diagnostics.UnreachableException($"no Decide case for {command.GetType().Name}"),
        };
    }

    /// <summary>
    /// The step <paramref name="command"/> follows, by its legal date. Officers, assessments, the legal review, the notice,
    /// suspension and transfer come after the filing (立案, 行政处罚法第五十四条); the party's answers to a notice after the
    /// notice; a decision after the filing, the notice, the legal review and the hearing; service, payment, closing and
    /// review after the decision. What verification may do before filing is the exception: inspection and evidence
    /// (第五十四条、第五十五条), 先行登记保存 (第五十六条) and 查封、扣押 (行政强制法第二十二条) need only the lead.
    /// </summary>
    private static (LocalDate On, string What)? Follows(CaseCommand command, CaseState state) => command switch
    {
        AssignOfficers or AssessAmounts or CompleteLegalReview or ServeAdvanceNotice or SuspendCase or ExtendDecisionPeriod
            or EstablishInnocentSeller or TransferCase or WithdrawFiling when state.FiledOn is { } filed => (filed, "the filing"),
        RecordStatementOfDefence or RequestHearing or WaiveDefenceRights when state.Notice is { } notice => (notice.On, "the advance notice"),
        HoldHearing or WithdrawHearingRequest when state.HearingPendingSince is { } requested => (requested, "the hearing request"),
        DecidePenalty or DecideNoPenalty => Latest(
            (state.FiledOn, "the filing"), (state.Notice?.On, "the advance notice"), (state.LegalReview?.On, "the legal review"),
            (state.HearingHeldOn, "the hearing")),
        ServeDecision or DeferPayment or GrantInstalments or RecordPayment or CloseCase or ApplyForReview or RecordPoliceReturn or ChangeOwnDecision
            when state.Decision is { } decision => (decision.On, "the decision"),
        _ => null,
    };

    private static (LocalDate On, string What)? Latest(params (LocalDate? On, string What)[] steps) =>
        steps.Where(s => s.On is not null).Select(s => (s.On!.Value, s.What)).OrderByDescending(s => s.Value).Cast<(LocalDate, string)?>().FirstOrDefault();

    private static void CheckCommon(CaseCommand command, CaseState state, DecisionContext context)
    {
        var today = context.Today;
        if (command.On > today)
            throw Refuse("on", $"an effective date may not be after the day it is recorded ({today:yyyy-MM-dd} in China); got {command.On:yyyy-MM-dd}");
        var starts = command is RegisterLead or RequestDispute;
        if (state.Status == CaseStatus.None && !starts)
            throw Refuse("case", $"no case is recorded under this id; a case starts with register_lead or request_dispute, not {command.Name}");
        if (state.Status != CaseStatus.None && starts)
            throw Refuse("case", $"a case is already recorded under this id (version {state.Version})");
        if (state.LeadOn is { } lead && command.On < lead)
            throw Refuse("on", $"an effective date may not be before the lead was registered ({lead:yyyy-MM-dd}); got {command.On:yyyy-MM-dd}");
        if (Follows(command, state) is { } before && command.On < before.On)
            throw Refuse("on", $"{command.Name} on {command.On:yyyy-MM-dd} cannot precede {before.What} of {before.On:yyyy-MM-dd}, which it follows; a step's date is the day it was taken");
        if (state.Status == CaseStatus.Closed && command is not (ApplyForReview or ConcludeReview or RecordPoliceReturn or ChangeOwnDecision or VoidStep))
            throw Refuse("case", $"the case was closed on {state.ClosedOn:yyyy-MM-dd}; after closing only a reconsideration or lawsuit and its outcome may be recorded (or a wrongly recorded step voided), not {command.Name}");
        if (state.Status == CaseStatus.None) return;

        var disputeOnly = command is AcceptDispute or RecordDisputeAnswer or HoldOralHearing or AdjudicateDispute
            or RecordMediationAgreement or RecordJudicialConfirmation or WithdrawDispute;
        // A request outside the bureau's jurisdiction goes to the competent one (专利行政执法办法: 管辖), as a penalty lead does.
        var shared = command is SuspendCase or ResumeCase or ExtendDecisionPeriod or CloseCase or ApplyForReview
            or ConcludeReview or RecordEvidence or CorrectCaseDetails or AgreeJointHandling or TransferLead or VoidStep;
        if (state.Procedure == Procedure.PatentDispute && !disputeOnly && !shared)
            throw Refuse("case", $"{command.Name} belongs to the penalty procedure; a patent infringement dispute is adjudicated or mediated, never fined (专利法第六十五条)");
        if (state.Procedure == Procedure.Penalty && disputeOnly)
            throw Refuse("case", $"{command.Name} belongs to a patent infringement dispute; this is a penalty case");
    }

    private static IReadOnlyList<CaseEvent> Step(CaseState state, CaseCommand command, CaseStatus[] allowed, Func<CaseEvent> make)
    {
        if (!allowed.Contains(state.Status))
            throw Refuse("case", $"{command.Name} is not possible while the case is {Describe(state.Status)}; it needs the case to be {string.Join(" or ", allowed.Select(Describe))}");
        return [make()];
    }

    private static string Describe(CaseStatus status) => status switch
    {
        CaseStatus.Lead => "a lead (not yet filed)",
        CaseStatus.NotFiled => "not filed",
        CaseStatus.LeadTransferred => "transferred away as a lead",
        CaseStatus.Investigating => "filed and under investigation",
        CaseStatus.Suspended => "suspended",
        CaseStatus.Decided => "decided",
        CaseStatus.Closed => "closed",
        _ => "not recorded",
    };

    private static DomainRuleViolation Refuse(string field, string rule) => new(field, rule);

    private static string Text(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw Refuse(field, "is required and may not be blank") : value.Trim();

    private static IReadOnlyList<string> Bases(IReadOnlyList<string>? bases, string field)
    {
        if (bases is null || bases.Count == 0) throw Refuse(field, "cite at least one provision of law (e.g. 商标法第五十七条第三项)");
        return [.. bases.Select((b, i) => Text(b, $"{field}[{i}]"))];
    }

    private static IReadOnlyList<string> Flags(IReadOnlyList<string>? flags, string field)
    {
        flags ??= [];
        return [.. flags.Select((flag, i) => CaseFlags.Check(flag, $"{field}[{i}]")).Distinct()];
    }

    private static IReadOnlyList<string> Campaigns(IReadOnlyList<string>? campaigns, string field)
    {
        campaigns ??= [];
        return [.. campaigns.Select((campaign, i) => CaseCampaigns.Check(campaign, $"{field}[{i}]")).Distinct()];
    }

    private static Party ValidParty(Party? party, string field)
    {
        if (party is null) throw Refuse(field, "is required");
        Text(party.Name, $"{field}.name");
        if (party.IdentityNumber is { } id && party.Kind == PartyKind.NaturalPerson && !ResidentIdentityNumber.IsValid(id))
            throw Refuse($"{field}.identity_number", "a resident identity number has 17 digits and a check digit (0–9 or X) per GB 11643");
        if (party.Operator is not null)
        {
            if (party.Kind == PartyKind.NaturalPerson)
                throw Refuse($"{field}.operator", "names the person behind a sole trader's trade name (个体工商户); a natural person is named as the party itself");
            Text(party.Operator, $"{field}.operator");
        }
        return party;
    }

    private static ProtectedRight? ValidRight(ProtectedRight? right, string field)
    {
        if (right is null) return null;
        Text(right.Name, $"{field}.name");
        Text(right.Holder, $"{field}.holder");
        return right;
    }

    private static RegionCode OtherRegion(CaseState state, RegionCode? target, string field)
    {
        if (target is null) throw Refuse(field, "is required");
        if (target == state.Region) throw Refuse(field, $"is the case's own region ({target}); name the other region's code");
        return target;
    }

    private static string NotHandler(CaseState state, string person, string field, string rule) =>
        state.Handlers.Any(h => h.CertificateNumber == person) ? throw Refuse(field, $"{person} is a handler of this case; {rule}") : person;

    private static IReadOnlyList<Officer> Officers(IReadOnlyList<Officer> existing, IReadOnlyList<Officer>? added)
    {
        added ??= [];
        for (var i = 0; i < added.Count; i++)
        {
            Text(added[i].CertificateNumber, $"officers[{i}].certificate_number");
            Text(added[i].Name, $"officers[{i}].name");
        }
        if (added.Select(o => o.CertificateNumber).Distinct().Count() != added.Count)
            throw Refuse("officers", "an officer is listed twice");
        var total = existing.Select(o => o.CertificateNumber).Union(added.Select(o => o.CertificateNumber)).Count();
        if (total < 2)
            throw Refuse("officers", "at least two certified law-enforcement officers handle a case (行政处罚法第四十二条)");
        return added;
    }
}
