using System.Text.Json;
using Ledger.Application.Cases;
using Ledger.Application.Referrals;
using Ledger.Domain;
using NodaTime;

namespace Ledger.Api;

// What the case reads answer, as types, so the OpenAPI document describes them (snake_case on the wire).

/// <summary>A page of the case list (<c>GET /cases</c>).</summary>
public sealed record CaseListResponse(long Total, int Offset, int Limit, IReadOnlyList<CaseListItem> Cases);

/// <summary>A case as it stands now, after a version, or as of an instant, with its deadlines on that day (<c>GET /cases/{id}</c>).</summary>
public sealed record CaseResponse(string CaseId, long Version, Instant? AsOf, LocalDate DeadlinesAsOf, CaseState State, DeadlineReport Deadlines);

/// <summary>Every event of a case as stored (<c>GET /cases/{id}/history</c>).</summary>
public sealed record CaseHistoryResponse(string CaseId, long Version, IReadOnlyList<CaseHistoryEvent> Events);

/// <summary>One stored event: where it stands, who recorded it with which command, what it says, the step that voided
/// it (if one did) and its place in the case's hash chain.</summary>
public sealed record CaseHistoryEvent(
    long Position, long Version, Guid EventId, string Type, Instant RecordedAt, LocalDate EffectiveOn, string Actor, string? Command, string Summary,
    long? VoidedBy, JsonElement Data, JsonElement Metadata, string PreviousHash, string Hash);

/// <summary>What may be published of a case (<c>GET /cases/{id}/redacted</c>): natural persons as 某某.</summary>
public sealed record RedactedCaseResponse(
    string CaseId, string Region, string Place, CaseKind Kind, CaseStatus Status, string? Party, string? Requester, RedactedRight? Right,
    LocalDate? FiledOn, Money CaseValue, RedactedDecision? Decision, bool Closed);

/// <summary>The right infringed, as published.</summary>
public sealed record RedactedRight(RightKind Kind, string Name, string? RegistrationNumber, string Holder);

/// <summary>The decision, as published.</summary>
public sealed record RedactedDecision(DecisionKind Kind, LocalDate On, string? Number, IReadOnlyList<PenaltyItem> Items, bool Revoked);

/// <summary>The deadlines the ledger reminds of (<c>GET /deadlines</c>).</summary>
public sealed record DeadlinesResponse(IReadOnlyList<DeadlineItem> Deadlines);

/// <summary>A deadline, its latest planned reminder, what the reminder found and the overdue notice.</summary>
public sealed record DeadlineItem(
    string CaseId, string Deadline, LocalDate DueOn, string? Region, string Rule, Instant ReminderFiresAt, Instant? ReminderFiredAt, string? Finding,
    bool Overdue, Instant? NoticedAt);

/// <summary>What other bureaus referred to the caller's region (<c>GET /inbox</c>).</summary>
public sealed record InboxResponse(IReadOnlyList<ReceivedReferral> Referrals);

/// <summary>Who read which case (<c>GET /audit/reads</c>).</summary>
public sealed record CaseReadsResponse(IReadOnlyList<CaseReadItem> Reads);

/// <summary>One recorded read.</summary>
public sealed record CaseReadItem(long ReadId, Instant ReadAt, string UserName, string Role, string CaseId, string Region, string Endpoint, string? Purpose);
