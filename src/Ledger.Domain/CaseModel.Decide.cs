using Ledger.Domain.Law;
using NodaTime;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Domain;

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

    private static CaseEvent.LeadRegistered RegisterLeadEvent(RegisterLead c)
    {
        if (c.Kind == CaseKind.PatentInfringementDispute)
            throw Refuse("kind", "a patent infringement dispute starts with request_dispute (专利法第六十五条), not with a lead");
        if (c.Region is null) throw Refuse("region", "is required");
        if (c.Region.NotInForceOn(c.On) is { } replaced) throw Refuse("region", replaced);
        if (c.ViolationOn is { } v && v > c.On)
            throw Refuse("violation_on", $"the violation ({v:yyyy-MM-dd}) cannot come after the lead that reports it ({c.On:yyyy-MM-dd})");
        return new CaseEvent.LeadRegistered(c.On, c.Source, Text(c.Summary, "summary"), c.Region, c.Kind, ValidParty(c.Party, "party"),
            ValidRight(c.Right, "right"), c.ViolationOn, Flags(c.Flags, "flags"), Campaigns(c.Campaigns, "campaigns"));
    }

    private static CaseEvent.DisputeRequested RequestDisputeEvent(RequestDispute c)
    {
        if (c.Region is null) throw Refuse("region", "is required");
        if (c.Region.NotInForceOn(c.On) is { } replaced) throw Refuse("region", replaced);
        var patent = ValidRight(c.Patent, "patent") ?? throw Refuse("patent", "is required");
        if (patent.Kind is not (RightKind.InventionPatent or RightKind.UtilityModelPatent or RightKind.DesignPatent))
            throw Refuse("patent.kind", "a patent infringement dispute concerns an invention, utility model or design patent");
        return new CaseEvent.DisputeRequested(c.On, c.Region, ValidParty(c.Requester, "requester"), ValidParty(c.Respondent, "respondent"),
            patent, Text(c.Summary, "summary"), Flags(c.Flags, "flags"), Campaigns(c.Campaigns, "campaigns"));
    }

    private static CaseEvent AssignOfficersEvent(CaseState state, AssignOfficers c)
    {
        var officers = Officers(state.Handlers, c.Officers);
        if (officers.Count == 0) throw Refuse("officers", "name at least one officer");
        return new CaseEvent.OfficersAssigned(c.On, officers);
    }

    private static IReadOnlyList<CaseEvent> ReleaseGoodsEvent(CaseState state, ReleaseGoods c)
    {
        var hold = OpenHold(state, c.MeasureId, c.On, "released");
        return [new CaseEvent.GoodsReleased(c.On, c.MeasureId, Text(c.Reason, "reason"))];
    }

    /// <summary>The hold <paramref name="measureId"/> while it still holds goods, checked against the date of what ends or extends it.</summary>
    private static GoodsHold OpenHold(CaseState state, string measureId, LocalDate on, string what)
    {
        var hold = state.Goods.FirstOrDefault(g => g.MeasureId == measureId)
            ?? throw Refuse("measure_id", $"no measure '{measureId}' is recorded on this case");
        if (hold.ReleasedOn is { } released) throw Refuse("measure_id", $"measure '{measureId}' was already released on {released:yyyy-MM-dd}");
        if (hold.EndedOn is { } ended) throw Refuse("measure_id", $"measure '{measureId}' already ended on {ended:yyyy-MM-dd} ({SnakeCase.Of(hold.Ending!.Value)})");
        if (on < hold.On) throw Refuse("on", $"goods cannot be {what} ({on:yyyy-MM-dd}) before they were held ({hold.On:yyyy-MM-dd})");
        return hold;
    }

    private static CaseEvent ExtendHoldEvent(CaseState state, ExtendGoodsHold c)
    {
        var hold = OpenHold(state, c.MeasureId, c.On, "held longer");
        if (hold.Measure == GoodsMeasure.RegisteredForPreservation)
            throw Refuse("measure_id", "先行登记保存 is dealt with within seven working days (行政处罚法第五十六条), never extended; seal or seize the goods instead");
        if (hold.ExtendedOn is { } extended)
            throw Refuse("measure_id", $"measure '{c.MeasureId}' was already extended on {extended:yyyy-MM-dd}; a sealing or seizure is extended once, by 30 days (行政强制法第二十五条)");
        return new CaseEvent.GoodsHoldExtended(c.On, c.MeasureId,
            NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "an extension is approved by the head of the bureau (行政强制法第二十五条), not by a handler of the case"),
            Text(c.Reason, "reason"));
    }

    private static CaseEvent EndHoldEvent(CaseState state, EndGoodsHold c)
    {
        var hold = OpenHold(state, c.MeasureId, c.On, "dealt with");
        switch (c.Ending)
        {
            case GoodsHoldEnding.Confiscated when state.Decision is not { Kind: DecisionKind.Penalty, Revoked: false } d
                                                 || !d.Items.Any(i => i.Kind == PenaltyItemKind.ConfiscationOfGoods):
                throw Refuse("ending", "goods are confiscated by a penalty decision in force that confiscates them (没收); none does on this case");
            case GoodsHoldEnding.Destroyed when state.Decision is not { Kind: DecisionKind.Penalty or DecisionKind.NoPenalty, Revoked: false }:
                throw Refuse("ending", "goods are destroyed as a decision in force orders; this case has none");
            case GoodsHoldEnding.TransferredWithCase when state.Decision is not { Kind: DecisionKind.Transfer }:
                throw Refuse("ending", "goods go with a transferred case; this case was not transferred");
            case GoodsHoldEnding.ConvertedToSealingOrSeizure when hold.Measure != GoodsMeasure.RegisteredForPreservation:
                throw Refuse("ending", "only goods registered for preservation (先行登记保存) are dealt with by sealing or seizing them");
        }
        if (state.Decision is { } decision && c.Ending != GoodsHoldEnding.ConvertedToSealingOrSeizure && c.On < decision.On)
            throw Refuse("on", $"end_goods_hold on {c.On:yyyy-MM-dd} cannot precede the decision of {decision.On:yyyy-MM-dd} it carries out");
        return new CaseEvent.GoodsHoldEnded(c.On, c.MeasureId, c.Ending, Text(c.Note, "note"));
    }

    private static CaseEvent AssessEvent(AssessAmounts c)
    {
        if (c.Turnover is null && c.GoodsValue is null && c.IllegalGains is null)
            throw Refuse("turnover", "assess at least one of turnover, goods_value and illegal_gains");
        foreach (var (a, field) in new[] { (c.Turnover, "turnover"), (c.GoodsValue, "goods_value"), (c.IllegalGains, "illegal_gains") })
            if (a is not null) Text(a.Method, $"{field}.method");
        return new CaseEvent.AmountsAssessed(c.On, c.Turnover, c.GoodsValue, c.IllegalGains);
    }

    private static IReadOnlyList<PenaltyItem> ValidItems(IReadOnlyList<PenaltyItem>? items, string field, CaseState state, FineRuleBook rules, bool ordersOnly = false)
    {
        items ??= [];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var f = $"{field}[{i}]";
            if (ordersOnly && item.IsPenalty())
                throw Refuse(f, $"{SnakeCase.Of(item.Kind)} is a penalty; this record may only carry orders to stop or correct");
            if (item.IsMoneyPaid() && (item.Amount is null || item.Amount.Value == Money.Zero))
                throw Refuse($"{f}.amount", $"a {SnakeCase.Of(item.Kind)} states its amount, more than zero");
            if (item.Kind is PenaltyItemKind.Warning or PenaltyItemKind.OrderToStop or PenaltyItemKind.OrderToCorrect && item.Amount is not null)
                throw Refuse($"{f}.amount", $"a {SnakeCase.Of(item.Kind)} carries no amount");
            if (item.Provision is { } provision)
            {
                if (!item.IsMoneyPaid())
                    throw Refuse($"{f}.provision", $"names the provision a fine or a confiscation of gains is imposed under; a {SnakeCase.Of(item.Kind)} carries none");
                var allowed = rules.FamiliesFor(state.Kind).Concat(rules.GeneralFamilies()).ToList();
                if (!allowed.Contains(provision))
                    throw Refuse($"{f}.provision", $"'{provision}' is not a fine provision for {SnakeCase.Of(state.Kind)} cases; choose one of " +
                        string.Join(", ", allowed.Select(a => $"{a} ({rules.CitationOf(a)})")));
            }
        }
        // One decision may impose fines under several laws (the trademark law and, say, the product quality law), each
        // under its own cap; under one provision the fine is one amount.
        var fines = items.Select((item, index) => (item, index)).Where(x => x.item.Kind == PenaltyItemKind.Fine).ToList();
        if (fines.GroupBy(x => x.item.Provision ?? "").FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw Refuse($"{field}[{repeated.Last().index}].provision", repeated.Key.Length == 0
                ? "state the fine under the case's own provision as one item; a fine under another law names its provision (e.g. product-labelling)"
                : $"state the fine under {repeated.Key} as one item; fines under different laws each name their own provision");
        return items;
    }

    private static CaseEvent AdvanceNoticeEvent(CaseState state, ServeAdvanceNotice c, DecisionContext context)
    {
        if (state.Handlers.Count < 2)
            throw Refuse("case", "at least two certified officers must handle the case before it is notified (行政处罚法第四十二条)");
        var items = ValidItems(c.ProposedItems, "proposed_items", state, context.FineRules);
        if (!items.Any(i => i.IsPenalty()))
            throw Refuse("proposed_items", "an advance notice proposes at least one penalty (行政处罚法第四十四条)");
        var hearing = context.HearingThresholds.Reached(state.Party!.Kind, items);
        // "Five days" in the law are working days (行政处罚法第八十五条).
        var statementDue = context.Calendar.AddWorkingDays(c.On, 5).Date;
        return new CaseEvent.AdvanceNoticeServed(c.On, items, Bases(c.LegalBases, "legal_bases"), statementDue, hearing, hearing ? statementDue : null);
    }

    private static CaseEvent StartExcludedEvent(CaseState state, StartExcludedPeriod c)
    {
        var name = ExcludedPeriod.NameOf(c.Kind);
        if (state.Status == CaseStatus.Lead && !ExcludedPeriod.ExcludedFromFiling(c.Kind))
            throw Refuse("kind", $"{name} does not stop the filing period (《市场监督管理行政处罚程序规定》第十八条 leaves out 检测、检验、检疫、鉴定 and 权利人辨认或者鉴别); it counts only after filing");
        if (state.ExcludedPeriods.FirstOrDefault(p => p.Kind == c.Kind && p.Until is null) is { } open)
            throw Refuse("kind", $"a period of {name} is already open since {open.From:yyyy-MM-dd}; end it (end_excluded_period) before starting another");
        return new CaseEvent.ExcludedPeriodStarted(c.On, c.Kind, Text(c.Description, "description"));
    }

    private static CaseEvent EndExcludedEvent(CaseState state, EndExcludedPeriod c)
    {
        var name = ExcludedPeriod.NameOf(c.Kind);
        var open = state.ExcludedPeriods.FirstOrDefault(p => p.Kind == c.Kind && p.Until is null)
            ?? throw Refuse("kind", $"no period of {name} is open on this case");
        if (c.On < open.From) throw Refuse("on", $"the period of {name} cannot end ({c.On:yyyy-MM-dd}) before it began ({open.From:yyyy-MM-dd})");
        return new CaseEvent.ExcludedPeriodEnded(c.On, c.Kind);
    }

    private static CaseEvent PoliceReturnEvent(CaseState state, RecordPoliceReturn c)
    {
        if (state.Decision is not { Kind: DecisionKind.Transfer, TransferTarget: TransferTarget.Police })
            throw Refuse("case", "only a case transferred to the police comes back from them (《行政执法机关移送涉嫌犯罪案件的规定》第九条)");
        return new CaseEvent.PoliceReturnedCase(c.On, c.Ground, Text(c.Agency, "agency"), Text(c.Reference, "reference"));
    }

    private static CaseEvent WaiveEvent(CaseState state, WaiveDefenceRights c)
    {
        if (state.Notice is null)
            throw Refuse("case", "the rights to state a defence and to a hearing follow an advance notice, and none has been served (行政处罚法第四十四条)");
        if (state.HearingPendingSince is { } since)
            throw Refuse("case", $"a hearing was requested on {since:yyyy-MM-dd}: the party withdraws the request (withdraw_hearing_request) rather than waiving a right it is using");
        if (state.Notice.WaivedOn is { } waived) throw Refuse("case", $"the party already waived these rights on {waived:yyyy-MM-dd}");
        return new CaseEvent.DefenceRightsWaived(c.On, Text(c.Summary, "summary"));
    }

    private static CaseEvent RequestHearingEvent(CaseState state, RequestHearing c)
    {
        if (state.Notice is null)
            throw Refuse("case", "a hearing is requested after the advance notice, and none has been served (行政处罚法第六十四条)");
        if (!state.Notice.HearingRightGranted)
            throw Refuse("case", "the proposed penalty does not reach the hearing threshold, so the notice granted no hearing; the party may state a defence (行政处罚法第六十三条)");
        if (state.HearingPendingSince is { } since) throw Refuse("case", $"a hearing request is already pending since {since:yyyy-MM-dd}");
        if (state.HearingHeldOn is { } held) throw Refuse("case", $"the hearing was already held on {held:yyyy-MM-dd}");
        return new CaseEvent.HearingRequested(c.On);
    }

    private static void CheckReadyToDecide(CaseState state, CaseCommand c)
    {
        switch (state.Status)
        {
            case CaseStatus.Lead or CaseStatus.NotFiled or CaseStatus.LeadTransferred:
                throw Refuse("case", $"no decision before the case is filed (立案, 行政处罚法第五十四条); {c.Name} refused");
            case CaseStatus.Suspended:
                throw Refuse("case", "the case is suspended; resume it before deciding");
            case CaseStatus.Decided:
                throw Refuse("case", $"the case was already decided on {state.Decision!.On:yyyy-MM-dd}; a new decision follows only a review that revoked it with an order to decide again");
        }
        if (state.HearingPendingSince is { } since)
            throw Refuse("case", $"a hearing was requested on {since:yyyy-MM-dd} and has not been held; no decision until it is (行政处罚法第六十四条)");
        if (state.Handlers.Count < 2)
            throw Refuse("case", "at least two certified officers must handle the case (行政处罚法第四十二条)");
    }

    private static CaseEvent DecidePenaltyEvent(CaseState state, DecidePenalty c, DecisionContext context)
    {
        CheckReadyToDecide(state, c);
        var approver = NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "a decision is approved by the head of the bureau, not by a handler of the case");
        var number = Text(c.DecisionNumber, "decision_number");
        var items = ValidItems(c.Items, "items", state, context.FineRules);
        if (!items.Any(i => i.IsPenalty()))
            throw Refuse("items", "a penalty decision imposes at least one penalty; with none, record decide_no_penalty");
        var bases = Bases(c.LegalBases, "legal_bases");

        var notice = state.Notice ?? throw Refuse("items",
            "no penalty without an advance notice stating the facts, the basis and the proposed penalty (行政处罚法第四十四条)");
        if (notice.HearingRightGranted && state.LegalReview is not { Approved: true })
            throw Refuse("case", "the proposed penalty reaches the hearing threshold, so the case needs an approving legal review (法制审核) before decision (行政处罚法第五十八条)");
        if (!notice.PartyHeardBy(c.On))
            throw Refuse("on", $"the party may state a defence{(notice.HearingRightGranted ? " and request a hearing" : "")} until {notice.StatementDueOn:yyyy-MM-dd} " +
                $"(five working days from the notice of {notice.On:yyyy-MM-dd}, 行政处罚法第四十五条{(notice.HearingRightGranted ? "、第六十四条" : "")}); no penalty may be decided before then " +
                "(第六十二条) unless the party was heard (record_statement_of_defence" + (notice.HearingRightGranted ? ", with any hearing held or withdrawn" : "") +
                ") or waived these rights in writing (waive_defence_rights)");
        var added = items.Where(i => i.IsPenalty()).Select(i => i.Kind).Except(notice.ProposedItems.Select(p => p.Kind)).ToList();
        if (added.Count > 0 || items.FinesAndConfiscations() > notice.ProposedItems.FinesAndConfiscations())
            throw Refuse("items", $"the decision may not be heavier than the penalty proposed in the advance notice of {notice.On:yyyy-MM-dd} ({notice.ProposedItems.FinesAndConfiscations()} proposed); serve a new notice (行政处罚法第四十五条)");

        if (state.InnocentSellerSupplier is { } supplier)
            throw Refuse("items", $"the party is an innocent seller who named the supplier ({supplier}): it is ordered to stop selling and not penalised (商标法第六十条第二款); record decide_no_penalty with ground innocent_seller");

        var gains = items.ConfiscatedGains();
        if (gains > Money.Zero)
        {
            var assessed = state.IllegalGains?.Amount ?? throw Refuse("items", "confiscating illegal gains needs the gains assessed first (assess_amounts)");
            if (gains > assessed)
                throw Refuse("items", $"confiscated gains {gains} exceed the illegal gains assessed ({assessed}) (行政处罚法第二十八条第二款)");
        }

        var mitigation = c.Mitigation is { } m ? m with { Ground = Text(m.Ground, "mitigation.ground") } : null;
        // Each fine is checked against the cap of the provision it is imposed under, and every money item records that
        // provision, so the totals can show 罚没金额 by legal basis.
        var ownProvision = items.Any(i => i.IsMoneyPaid() && i.Provision is null)
            ? OwnFineProvision(state, c, context.FineRules, required: items.Any(i => i.Kind == PenaltyItemKind.Fine && i.Provision is null))
            : null;
        var reasons = new List<string>();
        var decided = new List<PenaltyItem>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!item.IsMoneyPaid()) { decided.Add(item); continue; }
            var provision = item.Provision ?? ownProvision;
            if (item.Kind == PenaltyItemKind.Fine && provision is not null)
                reasons.Add(CheckFineCap(state, c, item.Amount!.Value, provision, $"items[{i}].amount", context.FineRules));
            decided.Add(item with { Provision = provision });
        }
        string? applied = reasons.Count == 0 ? null : string.Join("; ", reasons);
        if (mitigation is not null)
            applied = (applied is null ? "" : applied + "; ") + (mitigation.Kind == MitigationKind.Reduced ? "减轻处罚" : "从轻处罚") + ": " + mitigation.Ground;
        return new CaseEvent.PenaltyDecided(c.On, number, decided, bases, applied, approver, mitigation);
    }

    /// <summary>
    /// The case kind's own fine provision, which an item that names none is imposed under; null when the kind has none,
    /// or when it has several, none is named and no fine needs one (<paramref name="required"/>).
    /// </summary>
    private static string? OwnFineProvision(CaseState state, DecidePenalty c, FineRuleBook rules, bool required)
    {
        var families = rules.FamiliesFor(state.Kind);
        if (c.FineProvision is { } named)
            return families.Contains(named) ? named
                : throw Refuse("fine_provision", $"'{named}' does not govern {SnakeCase.Of(state.Kind)} cases; choose {(families.Count == 0 ? "none (this kind has no fine provision of its own)" : string.Join(" or ", families))}");
        return families.Count switch
        {
            0 => null,
            1 => families[0],
            _ when !required => null,
            _ => throw Refuse("fine_provision", $"{SnakeCase.Of(state.Kind)} cases have several fine provisions ({string.Join(", ", families)}); name the one applied"),
        };
    }

    private static string CheckFineCap(CaseState state, DecidePenalty c, Money fine, string family, string field, FineRuleBook rules)
    {
        var violationOn = state.ViolationOn ?? throw Refuse("violation_on",
            "the date of the violation decides the applicable law (行政处罚法第三十七条); record it (correct_case_details) before deciding a fine");
        var applicable = rules.Resolve(family, violationOn, c.On, state.Turnover?.Amount, state.IllegalGains?.Amount, state.GoodsValue?.Amount)
            ?? throw Refuse(field, $"no version of {family} was in force on {violationOn:yyyy-MM-dd} or on {c.On:yyyy-MM-dd}");
        if (fine > applicable.Cap)
            throw Refuse(field, $"the fine {fine} exceeds the cap of {applicable.Cap}: {applicable.Explanation}");
        // 减轻处罚 goes below the statutory range (行政处罚法第三十条至第三十二条); 从轻 stays within it.
        if (fine < applicable.Minimum && c.Mitigation?.Kind != MitigationKind.Reduced)
            throw Refuse(field, $"the fine {fine} is below the statutory minimum of {applicable.Minimum} ({applicable.Rule.Citation}); " +
                "a fine below it is 减轻处罚 and names its ground (mitigation: {\"kind\": \"reduced\", \"ground\": …}, 行政处罚法第三十二条)");
        return applicable.Explanation;
    }

    private static CaseEvent DecideNoPenaltyEvent(CaseState state, DecideNoPenalty c, DecisionContext context)
    {
        CheckReadyToDecide(state, c);
        var approver = NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "a decision is approved by the head of the bureau, not by a handler of the case");
        var orders = ValidItems(c.Orders, "orders", state, context.FineRules, ordersOnly: true);
        var bases = Bases(c.LegalBases, "legal_bases");
        if (c.Ground == NoPenaltyGround.InnocentSeller)
        {
            if (state.InnocentSellerSupplier is null)
                throw Refuse("ground", "record establish_innocent_seller first: lawful acquisition proved and the supplier named (商标法第六十条第二款)");
            if (orders.All(o => o.Kind != PenaltyItemKind.OrderToStop))
                throw Refuse("orders", "the innocent seller is ordered to stop selling (商标法第六十条第二款); add an order_to_stop");
        }
        return new CaseEvent.NoPenaltyDecided(c.On, c.DecisionNumber?.Trim() is { Length: > 0 } n ? n : null, c.Ground, orders, bases, approver);
    }

    private static CaseEvent TransferEvent(CaseState state, TransferCase c)
    {
        RegionCode? region = null;
        string? agency = null;
        switch (c.Target)
        {
            case TransferTarget.OtherRegionBureau:
                region = OtherRegion(state, c.TargetRegion, "target_region");
                break;
            case TransferTarget.OtherAgency:
                agency = Text(c.TargetAgency, "target_agency");
                break;
            case TransferTarget.Police:
                agency = c.TargetAgency?.Trim() is { Length: > 0 } a ? a : null;
                region = c.TargetRegion;
                break;
        }
        return new CaseEvent.CaseTransferred(c.On, c.Target, region, agency, Text(c.Reason, "reason"), Text(c.ApprovedBy, "approved_by"));
    }

    private static CaseEvent ServeEvent(CaseState state, ServeDecision c)
    {
        if (state.Decision is not { Kind: DecisionKind.Penalty or DecisionKind.NoPenalty } decision)
            throw Refuse("case", "only a penalty or no-penalty decision is served on the party");
        if (state.ServedOn is { } served) throw Refuse("case", $"the decision was already served on {served:yyyy-MM-dd}");
        if (c.On < decision.On) throw Refuse("on", $"a decision cannot be served ({c.On:yyyy-MM-dd}) before it was made ({decision.On:yyyy-MM-dd})");
        return new CaseEvent.DecisionServed(c.On, Text(c.Method, "method"));
    }

    private static void RequireMoneyOwed(CaseState state)
    {
        if (state.Decision is not { Kind: DecisionKind.Penalty, Revoked: false })
            throw Refuse("case", "there is no penalty decision in force to pay");
        if (state.ServedOn is null) throw Refuse("case", "the decision has not been served; payment runs from service (行政处罚法第六十七条)");
        if (state.AmountOutstanding == Money.Zero) throw Refuse("case", "nothing of the fines and confiscations remains to be paid");
    }

    private static CaseEvent DeferEvent(CaseState state, DeferPayment c, DecisionContext context)
    {
        RequireMoneyOwed(state);
        var due = CaseDeadlines.PaymentDueOn(state, context.Calendar)!.Value;
        if (c.NewDueOn <= due) throw Refuse("new_due_on", $"a deferral moves the due date ({due:yyyy-MM-dd}) later; got {c.NewDueOn:yyyy-MM-dd}");
        return new CaseEvent.PaymentDeferred(c.On, c.NewDueOn, Text(c.ApprovedBy, "approved_by"), Text(c.Reason, "reason"));
    }

    private static CaseEvent InstalmentsEvent(CaseState state, GrantInstalments c)
    {
        RequireMoneyOwed(state);
        var instalments = c.Instalments ?? [];
        if (instalments.Count < 2) throw Refuse("instalments", "an instalment plan has at least two instalments (行政处罚法第六十六条)");
        for (var i = 0; i < instalments.Count; i++)
        {
            if (instalments[i].Amount == Money.Zero) throw Refuse($"instalments[{i}].amount", "an instalment is more than zero");
            if (instalments[i].DueOn < c.On) throw Refuse($"instalments[{i}].due_on", "an instalment cannot fall due before the plan is granted");
            if (i > 0 && instalments[i].DueOn <= instalments[i - 1].DueOn) throw Refuse($"instalments[{i}].due_on", "instalments fall due in order, each after the one before");
        }
        var total = Money.Sum(instalments.Select(i => i.Amount));
        if (total != state.AmountOutstanding)
            throw Refuse("instalments", $"the instalments add up to {total} but {state.AmountOutstanding} is owed");
        return new CaseEvent.InstalmentsGranted(c.On, instalments, Text(c.ApprovedBy, "approved_by"));
    }

    private static CaseEvent PaymentEvent(CaseState state, RecordPayment c, DecisionContext context)
    {
        RequireMoneyOwed(state);
        if (c.Amount == Money.Zero) throw Refuse("amount", "a payment is more than zero");
        var surcharge = CaseDeadlines.LateSurcharge(state, context.Calendar, c.On);
        var owed = state.AmountOutstanding + surcharge;
        if (c.Amount > owed)
            throw Refuse("amount", $"{c.Amount} is more than is owed on {c.On:yyyy-MM-dd} ({state.AmountOutstanding} plus a late surcharge of {surcharge})");
        return new CaseEvent.PaymentReceived(c.On, c.Amount, Text(c.Reference, "reference"));
    }

    private static CaseEvent ApplyForReviewEvent(CaseState state, ApplyForReview c)
    {
        if (state.Decision is not { Revoked: false } decision || decision.Kind is DecisionKind.Mediation or DecisionKind.DisputeWithdrawn)
            throw Refuse("case", "there is no decision in force to challenge");
        if (state.Reviews.Any(r => r.Kind == c.Kind && r.Outcome is null))
            throw Refuse("kind", $"a {SnakeCase.Of(c.Kind)} is already pending");
        if (c.Applicant == ReviewApplicant.Party && c.ApplicantName is not null)
            throw Refuse("applicant_name", "names a third party who brings the review; the party is the case's own");
        var name = c.Applicant == ReviewApplicant.Party ? null : Text(c.ApplicantName, "applicant_name");
        return new CaseEvent.ReviewApplied(c.On, c.Kind, Text(c.Body, "body"), c.Applicant, name);
    }

    private static CaseEvent ChangeOwnDecisionEvent(CaseState state, ChangeOwnDecision c, DecisionContext context)
    {
        if (state.Decision is not { Revoked: false } decision || decision.Kind is not (DecisionKind.Penalty or DecisionKind.NoPenalty))
            throw Refuse("case", "there is no penalty or no-penalty decision in force for the bureau to correct");
        if (c.Change is not (ReviewOutcome.Varied or ReviewOutcome.Revoked or ReviewOutcome.RevokedWithOrderToDecideAgain))
            throw Refuse("change", "the bureau varies its decision, revokes it, or revokes it to decide again (varied, revoked, revoked_with_order_to_decide_again)");
        var varied = c.VariedItems ?? [];
        if (c.Change == ReviewOutcome.Varied)
        {
            if (decision.Kind != DecisionKind.Penalty) throw Refuse("change", "only a penalty decision is varied; revoke a no-penalty decision to decide again");
            varied = WithOwnProvision(ValidItems(varied, "varied_items", state, context.FineRules), state, context.FineRules);
            if (varied.Count == 0) throw Refuse("varied_items", "a varied decision states the items that replace the original ones");
            if (varied.FinesAndConfiscations() > decision.Items.FinesAndConfiscations())
                throw Refuse("varied_items", "a correction may not make the penalty heavier; a heavier one needs a new notice and decision (revoked_with_order_to_decide_again)");
        }
        else if (varied.Count > 0)
            throw Refuse("varied_items", $"only a varied decision carries new items; this change is {SnakeCase.Of(c.Change)}");
        return new CaseEvent.DecisionChangedByBureau(c.On, c.Change, Text(c.Reason, "reason"),
            NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "the bureau's correction of its decision is approved by its head, not by a handler of the case"),
            varied);
    }

    /// <summary>Varied items that name no provision are under the case kind's own, when it has exactly one (as a decision's are).</summary>
    private static IReadOnlyList<PenaltyItem> WithOwnProvision(IReadOnlyList<PenaltyItem> items, CaseState state, FineRuleBook rules) =>
        rules.FamiliesFor(state.Kind) is [var own]
            ? [.. items.Select(i => i.IsMoneyPaid() && i.Provision is null ? i with { Provision = own } : i)]
            : items;

    private static CaseEvent ConcludeReviewEvent(CaseState state, ConcludeReview c, DecisionContext context)
    {
        var pending = state.Reviews.LastOrDefault(r => r.Kind == c.Kind && r.Outcome is null)
            ?? throw Refuse("kind", $"no {SnakeCase.Of(c.Kind)} is pending on this case");
        if (c.On < pending.AppliedOn) throw Refuse("on", $"a review cannot end ({c.On:yyyy-MM-dd}) before it was applied for ({pending.AppliedOn:yyyy-MM-dd})");
        var reference = Text(c.Reference, "reference");
        var varied = c.VariedItems ?? [];
        if (c.Outcome == ReviewOutcome.Varied)
        {
            varied = WithOwnProvision(ValidItems(varied, "varied_items", state, context.FineRules), state, context.FineRules);
            if (varied.Count == 0) throw Refuse("varied_items", "a varied decision states the items that replace the original ones");
            var current = state.Decision!.Items.FinesAndConfiscations();
            if (varied.FinesAndConfiscations() > current)
                throw Refuse("varied_items", $"a review may not make the penalty heavier ({varied.FinesAndConfiscations()} > {current}) (行政复议法第六十三条第二款; 行政诉讼法第七十七条第二款)");
        }
        else if (varied.Count > 0)
            throw Refuse("varied_items", $"only a varied outcome carries new items; this outcome is {SnakeCase.Of(c.Outcome)}");
        return new CaseEvent.ReviewConcluded(c.On, c.Kind, c.Outcome, reference, varied);
    }

    private static CaseEvent CloseEvent(CaseState state, CloseCase c)
    {
        // A closed case holds no goods: each hold ended by release, confiscation, destruction or transfer (行政强制法第二十八条).
        if (state.Goods.FirstOrDefault(g => g.ReleasedOn is null && g.EndedOn is null) is { } open)
            throw Refuse("case", $"goods are still held under measure '{open.MeasureId}' (since {open.On:yyyy-MM-dd}); release them (release_goods) or record how the hold ended (end_goods_hold) before closing");
        var d = state.Decision!;
        var summary = Text(c.Summary, "summary");
        string? mismatch = c.Ground switch
        {
            ClosingGround.Executed when d.Kind != DecisionKind.Penalty || d.Revoked => "only a penalty decision in force is executed",
            ClosingGround.Executed when state.ServedOn is null => "the decision has not been served",
            ClosingGround.Executed when state.AmountOutstanding > Money.Zero =>
                $"a penalty is executed only when the fines and confiscations are paid in full ({state.AmountOutstanding} outstanding)",
            ClosingGround.NoPenalty when d.Kind != DecisionKind.NoPenalty => "the decision is not a no-penalty decision",
            ClosingGround.NoPenalty when state.ServedOn is null => "the decision has not been served",
            ClosingGround.Transferred when d.Kind != DecisionKind.Transfer => "the case was not transferred",
            ClosingGround.FilingWithdrawn when d.Kind != DecisionKind.FilingWithdrawn => "the filing was not withdrawn",
            ClosingGround.EnforcementEnded when d.Kind != DecisionKind.Penalty => "enforcement ends only for a penalty decision",
            ClosingGround.DisputeConcluded when d.Kind is not (DecisionKind.Adjudication or DecisionKind.Mediation or DecisionKind.DisputeWithdrawn) =>
                "only a patent dispute is concluded by adjudication, mediation or withdrawal",
            _ => null,
        };
        if (mismatch is not null) throw Refuse("ground", $"cannot close as {SnakeCase.Of(c.Ground)}: {mismatch}");
        return new CaseEvent.CaseClosed(c.On, c.Ground, summary);
    }

    /// <summary>
    /// A step recorded wrongly is voided by a new event, never edited. Every later step was decided on the case as that
    /// step left it, and the ledger cannot tell which of them would still hold without it: so the steps after it are
    /// voided first, latest first, and what still stands is recorded again with its right date.
    /// </summary>
    private static CaseEvent VoidEvent(CaseState state, VoidStep c)
    {
        var steps = state.Steps ?? throw new InvalidOperationException("a void is decided on a case folded with its history");
        if (c.Version < 1 || c.Version > steps.Count)
            throw Refuse("version", $"this case has steps 1 to {steps.Count}; there is no step {c.Version}");
        var step = steps[(int)c.Version - 1];
        if (c.Version == 1)
            throw Refuse("version", "step 1 starts the case: a lead recorded by mistake is not filed (decide_not_to_file), and its particulars are corrected (correct_case_details)");
        if (step is CaseEvent.StepVoided)
            throw Refuse("version", $"step {c.Version} is itself a void; a step voided by mistake is recorded again");
        if (state.VoidedVersions.Contains(c.Version))
            throw Refuse("version", $"step {c.Version} is already voided");
        var later = Enumerable.Range((int)c.Version + 1, steps.Count - (int)c.Version)
            .Where(v => steps[v - 1] is not CaseEvent.StepVoided && !state.VoidedVersions.Contains(v)).ToList();
        if (later.Count > 0)
        {
            var latest = steps[later[^1] - 1];
            throw Refuse("version", $"{later.Count} later step{(later.Count == 1 ? "" : "s")} ({string.Join(", ", later)}) were recorded on the case as step {c.Version} left it; " +
                $"void them first, latest first (step {later[^1]}, {SnakeCase.Of(latest.GetType().Name)} of {latest.On:yyyy-MM-dd}), then record again what still stands");
        }
        return new CaseEvent.StepVoided(c.On, c.Version, SnakeCase.Of(step.GetType().Name), step.On, Text(c.Reason, "reason"),
            NotHandler(state, Text(c.ApprovedBy, "approved_by"), "approved_by", "voiding a recorded step is approved by the head of the bureau, not by a handler of the case"));
    }

    private static CaseEvent CorrectEvent(CaseState state, CorrectCaseDetails c)
    {
        var reason = Text(c.Reason, "reason");
        if (c.Kind is null && c.Region is null && c.Party is null && c.Right is null && c.ViolationOn is null && c.Flags is null && c.Campaigns is null)
            throw Refuse("reason", "a correction changes at least one particular");
        if (c.Kind is { } kind && (kind == CaseKind.PatentInfringementDispute) != (state.Procedure == Procedure.PatentDispute))
            throw Refuse("kind", "a correction cannot turn a penalty case into a patent dispute or back; they follow different procedures");
        if (c.ViolationOn is { } v && state.LeadOn is { } lead && v > lead)
            throw Refuse("violation_on", $"the violation ({v:yyyy-MM-dd}) cannot come after the lead that reports it ({lead:yyyy-MM-dd})");
        return new CaseEvent.CaseDetailsCorrected(c.On, reason, c.Kind, c.Region, c.Party is null ? null : ValidParty(c.Party, "party"),
            ValidRight(c.Right, "right"), c.ViolationOn, c.Flags is null ? null : Flags(c.Flags, "flags"), c.Campaigns is null ? null : Campaigns(c.Campaigns, "campaigns"));
    }
}

/// <summary>The resident identity number of GB 11643: 17 digits and an ISO 7064 MOD 11-2 check character.</summary>
public static class ResidentIdentityNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>True when <paramref name="number"/> is well formed and its check character matches.</summary>
    public static bool IsValid(string number)
    {
        if (number.Length != 18 || !number[..17].All(char.IsAsciiDigit)) return false;
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (number[i] - '0') * Weights[i];
        return char.ToUpperInvariant(number[17]) == CheckCharacters[sum % 11];
    }
}
