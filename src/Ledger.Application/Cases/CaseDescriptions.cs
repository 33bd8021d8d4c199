using Ledger.Domain;
using Ledger.Domain.Calendar;
using NodaTime;
using static Ledger.Domain.CaseEvent;

namespace Ledger.Application.Cases;

/// <summary>Plain-language lines for auditors: one per event, and the facts of a case as of a version.</summary>
public static class CaseDescriptions
{
    /// <summary>A one-line summary of what an event records.</summary>
    public static string Summarize(CaseEvent e) => e switch
    {
        LeadRegistered x => $"lead ({SnakeCase.Of(x.Source)}) in {x.Region}, {SnakeCase.Of(x.Kind)}: {x.Summary}",
        LeadNotFiled x => $"not filed: {x.Ground}",
        LeadTransferred x => $"lead transferred to {x.TargetRegion}: {x.Reason}",
        FilingPeriodExtended x => $"filing period extended: {x.Reason}",
        CaseFiled x => $"filed, approved by {x.ApprovedBy}; {string.Join("、", x.LegalBases)}",
        OfficersAssigned x => $"handlers: {string.Join(", ", x.Officers.Select(o => $"{o.Name} ({o.CertificateNumber})"))}",
        EvidenceRecorded x => $"evidence: {x.Description}",
        GoodsHeld x => $"goods {SnakeCase.Of(x.Measure)} ({x.MeasureId}): {x.Description}{(x.Value is { } v ? $", value {v}" : "")}",
        GoodsReleased x => $"goods released ({x.MeasureId}): {x.Reason}",
        GoodsHoldExtended x => $"goods hold extended ({x.MeasureId}): {x.Reason}",
        GoodsHoldEnded x => $"goods hold ended ({x.MeasureId}, {SnakeCase.Of(x.Ending)}): {x.Note}",
        ExcludedPeriodStarted x => $"{ExcludedPeriod.NameOf(x.Kind)} began (not counted towards the time limits): {x.Description}",
        ExcludedPeriodEnded x => $"{ExcludedPeriod.NameOf(x.Kind)} ended",
        CaseSuspended x => $"suspended: {x.Reason}",
        CaseResumed x => $"resumed: {x.Reason}",
        AmountsAssessed x => $"assessed: turnover {x.Turnover?.Amount.ToString() ?? "–"}, goods value {x.GoodsValue?.Amount.ToString() ?? "–"}, illegal gains {x.IllegalGains?.Amount.ToString() ?? "–"}",
        InnocentSellerEstablished x => $"innocent seller; supplier {x.Supplier}",
        RelatedLeadReferred x => $"related lead referred to {x.TargetRegion}: {x.Summary}",
        JointHandlingAgreed x => $"joint handling with {x.PartnerRegion}",
        LegalReviewCompleted x => $"legal review by {x.ReviewerId}: {(x.Approved ? "approved" : "returned")} — {x.Opinion}",
        AdvanceNoticeServed x => $"advance notice: {Items(x.ProposedItems)}; defence by {x.StatementDueOn:yyyy-MM-dd}{(x.HearingRightGranted ? $", hearing may be requested by {x.HearingRequestDueOn:yyyy-MM-dd}" : "")}",
        StatementOfDefenceReceived x => $"defence stated: {x.Summary}",
        DefenceRightsWaived x => $"defence and hearing rights waived in writing: {x.Summary}",
        HearingRequested => "hearing requested",
        HearingRequestWithdrawn => "hearing request withdrawn",
        HearingHeld x => $"hearing held, presided by {x.PresidedBy}: {x.Summary}",
        DecisionPeriodExtended x => $"decision period extended: {x.Reason}",
        PenaltyDecided x => $"penalty {x.DecisionNumber}: {Items(x.Items)}{(x.Mitigation is { } m ? $" ({(m.Kind == MitigationKind.Reduced ? "减轻" : "从轻")}: {m.Ground})" : "")}",
        NoPenaltyDecided x => $"no penalty ({SnakeCase.Of(x.Ground)}){(x.DecisionNumber is null ? "" : " " + x.DecisionNumber)}{(x.Orders.Count > 0 ? ": " + Items(x.Orders) : "")}",
        CaseTransferred x => $"transferred to {SnakeCase.Of(x.Target)} {x.TargetAgency ?? x.TargetRegion?.Value}: {x.Reason}",
        PoliceReturnedCase x => $"returned by {x.Agency} ({SnakeCase.Of(x.Ground)}, {x.Reference})",
        FilingWithdrawn x => $"filing withdrawn: {x.Reason}",
        DecisionServed x => $"decision served ({x.Method})",
        PaymentDeferred x => $"payment deferred to {x.NewDueOn:yyyy-MM-dd}",
        InstalmentsGranted x => $"instalments: {string.Join(", ", x.Instalments.Select(i => $"{i.Amount} by {i.DueOn:yyyy-MM-dd}"))}",
        PaymentReceived x => $"paid {x.Amount} ({x.Reference})",
        ReviewApplied x => $"{SnakeCase.Of(x.Kind)} before {x.Body}{(x.Applicant == ReviewApplicant.Party ? "" : $", brought by {SnakeCase.Of(x.Applicant)} {x.ApplicantName}")}",
        DecisionChangedByBureau x => $"decision {SnakeCase.Of(x.Change)} by the bureau itself: {x.Reason}{(x.VariedItems.Count > 0 ? " → " + Items(x.VariedItems) : "")}",
        ReviewConcluded x => $"{SnakeCase.Of(x.Kind)} ended {SnakeCase.Of(x.Outcome)} ({x.Reference}){(x.VariedItems.Count > 0 ? ": " + Items(x.VariedItems) : "")}",
        CaseClosed x => $"closed ({SnakeCase.Of(x.Ground)}): {x.Summary}",
        CaseDetailsCorrected x => $"corrected: {x.Reason}",
        DisputeRequested x => $"dispute requested by {x.Requester.Name} against {x.Respondent.Name} over {x.Patent.Name}",
        DisputeAccepted => "dispute accepted",
        DisputeAnswerReceived x => $"answer: {x.Summary}",
        OralHearingHeld x => $"oral hearing: {x.Summary}",
        DisputeAdjudicated x => $"adjudicated {x.DecisionNumber}: {SnakeCase.Of(x.Finding)}",
        MediationAgreed x => $"mediated{(x.Damages is { } d ? $", damages {d}" : "")}: {x.Terms}",
        JudicialConfirmationObtained x => $"confirmed by {x.Court} ({x.Reference})",
        StepVoided x => $"voided step {x.Version} ({x.VoidedType} of {x.VoidedOn:yyyy-MM-dd}), approved by {x.ApprovedBy}: {x.Reason}",
        DisputeWithdrawn x => $"dispute withdrawn: {x.Reason}",
        _ => e.GetType().Name,
    };

    // The provision of each money item is named when a decision imposes them under more than one law (商标法第六十条 and
    // 产品质量法第五十四条, say); under one law it is the case's own and naming it on every line is noise.
    private static string Items(IEnumerable<PenaltyItem> items)
    {
        var list = items.ToList();
        var mixed = list.Where(i => i.IsMoneyPaid()).Select(i => i.Provision).Distinct().Count() > 1;
        return string.Join("; ", list.Select(i => SnakeCase.Of(i.Kind) + (i.Amount is { } a ? " " + a : "")
            + (mixed && i.Provision is { } p ? $" under {Domain.Law.FineRuleBook.China.CitationOf(p) ?? p}" : "")
            + (i.Description is { } d ? $" ({d})" : "")));
    }

    /// <summary>The facts of a case in a fixed order, for showing a state and comparing two.</summary>
    public static IReadOnlyList<(string Name, string Value)> Facts(CaseState s, WorkingDayCalendar calendar, LocalDate today)
    {
        static string D(LocalDate? d) => d is { } x ? x.ToString("yyyy-MM-dd", null) : "";
        var facts = new List<(string, string)>
        {
            ("version", s.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("status", SnakeCase.Of(s.Status)),
            ("procedure", SnakeCase.Of(s.Procedure)),
            ("kind", s.Status == CaseStatus.None ? "" : SnakeCase.Of(s.Kind)),
            ("region", s.Region?.Value ?? ""),
            ("party", s.Party is null ? "" : $"{s.Party.Name} ({SnakeCase.Of(s.Party.Kind)})"),
            ("right", s.Right is null ? "" : string.Join(" ", new[] { s.Right.Name, s.Right.RegistrationNumber, "— " + s.Right.Holder }.Where(x => !string.IsNullOrEmpty(x)))),
            ("flags", string.Join(", ", s.Flags)),
            ("campaigns", string.Join(", ", s.Campaigns)),
            ("legal bases", string.Join("、", s.LegalBases)),
            ("lead on", D(s.LeadOn)),
            ("violation on", D(s.ViolationOn)),
            ("filed on", D(s.FiledOn)),
            ("handlers", string.Join(", ", s.Handlers.Select(h => h.CertificateNumber))),
            ("case value", s.CaseValue.ToString()),
            ("goods value", s.GoodsValue?.Amount.ToString() ?? ""),
            ("illegal gains", s.IllegalGains?.Amount.ToString() ?? ""),
            ("decision", s.Decision is null ? "" : $"{SnakeCase.Of(s.Decision.Kind)} {s.Decision.Number} on {D(s.Decision.On)}{(s.Decision.Revoked ? " (revoked)" : "")}"),
            ("items", s.Decision is null ? "" : Items(s.Decision.Items)),
            ("fine rule applied", s.Decision?.AppliedRule ?? ""),
            ("transferred to", s.Decision is { Kind: DecisionKind.Transfer } t
                ? $"{SnakeCase.Of(t.TransferTarget!.Value)} {t.TransferAgency ?? t.TransferRegion?.BureauName}".TrimEnd() : ""),
            ("fines and confiscations", s.AmountImposed.ToString()),
            ("paid", s.AmountPaid.ToString()),
            ("outstanding", s.AmountOutstanding.ToString()),
            ("served on", D(s.ServedOn)),
            ("reviews", string.Join("; ", s.Reviews.Select(r => $"{SnakeCase.Of(r.Kind)} {D(r.AppliedOn)} → {(r.Outcome is { } o ? SnakeCase.Of(o) : "pending")}"))),
            ("closed on", D(s.ClosedOn)),
            ("voided steps", string.Join(", ", s.VoidedVersions)),
        };
        if (s.Status != CaseStatus.None)
            foreach (var d in s.DeadlinesOn(calendar, today).Deadlines)
                facts.Add(($"due: {d.Name}", $"{D(d.DueOn)} {SnakeCase.Of(d.Status)}{(d.MetOn is { } m ? $" (met {D(m)})" : "")}"));
        return facts;
    }
}
