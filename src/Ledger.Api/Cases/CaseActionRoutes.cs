using Ledger.Application.Access;
using Ledger.Domain;

namespace Ledger.Api;

/// <summary>
/// Which person the API writes into a command: the caller, checked against the field the domain reads
/// (the domain refuses a handler of the case as reviewer or approver — 行政处罚法第五十八条; 市场监管行政处罚程序规定).
/// </summary>
public enum ActingPerson
{
    /// <summary>The command names no one the law cares about beyond who recorded it.</summary>
    None,
    /// <summary>The caller is the approver: <c>approved_by</c> is theirs.</summary>
    ApprovedBy,
    /// <summary>The caller is the legal reviewer: <c>reviewer_id</c> is theirs.</summary>
    ReviewerId,
}

/// <summary>One case action as the API serves it: its route, who may send it, and whose identity it carries.</summary>
/// <param name="Action">The domain's action name (<c>decide_penalty</c>).</param>
/// <param name="Path">The route; actions that start a case have no <c>{id}</c> and take <c>case_id</c> in the body.</param>
/// <param name="Role">The one role that sends it.</param>
/// <param name="Person">Which field, if any, is the caller.</param>
public sealed record CaseActionRoute(string Action, string Path, Role Role, ActingPerson Person = ActingPerson.None)
{
    /// <summary>True for the actions that start a case (the case id comes in the body).</summary>
    public bool StartsCase => !Path.Contains("{id}", StringComparison.Ordinal);
}

/// <summary>
/// The command endpoints. Separation of duties is by role: case handlers record, a legal reviewer reviews, the
/// bureau's head (or delegate) approves — and nobody writes another person's name into an approval or review.
/// </summary>
public static class CaseActionRoutes
{
    public static IReadOnlyList<CaseActionRoute> All { get; } =
    [
        new("register_lead", "/cases", Role.Recorder),
        new("request_dispute", "/disputes", Role.Recorder),
        new("decide_not_to_file", "/cases/{id}/non-filing", Role.Approver, ActingPerson.ApprovedBy),
        new("transfer_lead", "/cases/{id}/lead-transfer", Role.Recorder),
        new("extend_filing_period", "/cases/{id}/filing-extension", Role.Approver, ActingPerson.ApprovedBy),
        new("file_case", "/cases/{id}/filing", Role.Approver, ActingPerson.ApprovedBy),
        new("assign_officers", "/cases/{id}/officers", Role.Recorder),
        new("record_evidence", "/cases/{id}/evidence", Role.Recorder),
        new("hold_goods", "/cases/{id}/holds", Role.Recorder),
        new("release_goods", "/cases/{id}/releases", Role.Recorder),
        new("extend_goods_hold", "/cases/{id}/hold-extensions", Role.Approver, ActingPerson.ApprovedBy),
        new("change_own_decision", "/cases/{id}/own-decision-change", Role.Approver, ActingPerson.ApprovedBy),
        new("end_goods_hold", "/cases/{id}/hold-endings", Role.Recorder),
        new("start_excluded_period", "/cases/{id}/excluded-periods", Role.Recorder),
        new("end_excluded_period", "/cases/{id}/excluded-period-end", Role.Recorder),
        new("suspend_case", "/cases/{id}/suspension", Role.Recorder),
        new("resume_case", "/cases/{id}/resumption", Role.Recorder),
        new("assess_amounts", "/cases/{id}/assessment", Role.Recorder),
        new("establish_innocent_seller", "/cases/{id}/innocent-seller", Role.Recorder),
        new("refer_related_lead", "/cases/{id}/referrals", Role.Recorder),
        new("agree_joint_handling", "/cases/{id}/joint-handling", Role.Recorder),
        new("complete_legal_review", "/cases/{id}/legal-review", Role.Reviewer, ActingPerson.ReviewerId),
        new("serve_advance_notice", "/cases/{id}/advance-notice", Role.Recorder),
        new("record_statement_of_defence", "/cases/{id}/defence", Role.Recorder),
        new("waive_defence_rights", "/cases/{id}/defence-waiver", Role.Recorder),
        new("record_police_return", "/cases/{id}/police-return", Role.Recorder),
        new("request_hearing", "/cases/{id}/hearing-request", Role.Recorder),
        new("withdraw_hearing_request", "/cases/{id}/hearing-request-withdrawal", Role.Recorder),
        new("hold_hearing", "/cases/{id}/hearing", Role.Recorder),
        new("extend_decision_period", "/cases/{id}/decision-extension", Role.Approver, ActingPerson.ApprovedBy),
        new("decide_penalty", "/cases/{id}/decision", Role.Approver, ActingPerson.ApprovedBy),
        new("decide_no_penalty", "/cases/{id}/no-penalty-decision", Role.Approver, ActingPerson.ApprovedBy),
        new("transfer_case", "/cases/{id}/transfer", Role.Approver, ActingPerson.ApprovedBy),
        new("withdraw_filing", "/cases/{id}/filing-withdrawal", Role.Approver, ActingPerson.ApprovedBy),
        new("serve_decision", "/cases/{id}/service", Role.Recorder),
        new("defer_payment", "/cases/{id}/payment-deferral", Role.Approver, ActingPerson.ApprovedBy),
        new("grant_instalments", "/cases/{id}/instalments", Role.Approver, ActingPerson.ApprovedBy),
        new("record_payment", "/cases/{id}/payments", Role.Recorder),
        new("apply_for_review", "/cases/{id}/review-application", Role.Recorder),
        new("conclude_review", "/cases/{id}/review-outcome", Role.Recorder),
        new("close_case", "/cases/{id}/closure", Role.Recorder),
        new("correct_case_details", "/cases/{id}/correction", Role.Recorder),
        new("void_step", "/cases/{id}/voided-steps", Role.Approver, ActingPerson.ApprovedBy),
        new("accept_dispute", "/cases/{id}/acceptance", Role.Approver, ActingPerson.ApprovedBy),
        new("record_dispute_answer", "/cases/{id}/answer", Role.Recorder),
        new("hold_oral_hearing", "/cases/{id}/oral-hearing", Role.Recorder),
        new("adjudicate_dispute", "/cases/{id}/adjudication", Role.Approver, ActingPerson.ApprovedBy),
        new("record_mediation_agreement", "/cases/{id}/mediation-agreement", Role.Recorder),
        new("record_judicial_confirmation", "/cases/{id}/judicial-confirmation", Role.Recorder),
        new("withdraw_dispute", "/cases/{id}/dispute-withdrawal", Role.Recorder),
    ];

    /// <summary>The JSON field that holds the acting person, or null.</summary>
    public static string? FieldOf(ActingPerson person) => person switch
    {
        ActingPerson.ApprovedBy => "approved_by",
        ActingPerson.ReviewerId => "reviewer_id",
        _ => null,
    };

    /// <summary>The role's name as tokens and claims spell it.</summary>
    public static string Name(Role role) => SnakeCase.Of(role);
}
