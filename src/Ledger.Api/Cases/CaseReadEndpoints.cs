using System.Text.Json;
using Ledger.Application;
using Ledger.Application.Access;
using Ledger.Application.Cases;
using Ledger.Application.Deadlines;
using Ledger.Application.Referrals;
using Ledger.Application.Totals;
using Ledger.Domain;
using Ledger.Domain.Calendar;
using Ledger.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Npgsql;

namespace Ledger.Api;

/// <summary>Reads of cases. Every read of a case is recorded in <see cref="CaseReadLog"/> before it is answered.</summary>
public static class CaseReadEndpoints
{
    /// <summary>The roles that work cases or oversee them, and so read them whole.</summary>
    public static readonly Role[] CaseReaders = [Role.Recorder, Role.Reviewer, Role.Approver, Role.Auditor, Role.Official];
    /// <summary>The roles that read what was recorded, by whom and when.</summary>
    public static readonly Role[] HistoryReaders = [Role.Recorder, Role.Reviewer, Role.Approver, Role.Auditor];

    public static void Map(IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/cases").WithTags("cases");
        cases.MapGet("", (HttpContext http, CaseReadLog reads, IClock clock, ReadSide read) => ListAsync(http, reads, clock, read))
            .WithName("list_cases")
            .WithSummary("Cases of your region, newest filing first: region, status, kind, flag, campaign, overdue, filed_from, filed_to, limit, offset, purpose")
            .RequireRoles(CaseReaders);

        cases.MapGet("/{id}", (HttpContext http, string id, ReadSide read, CaseReadLog reads, IClock clock) => ShowAsync(http, id, read, reads, clock))
            .WithName("show_case")
            .WithSummary("A case now, after ?version=N, or as the ledger knew it ?as_of=2025-03-01T00:00+08:00 (also spelled asOf); its deadlines; ETag is the version")
            .RequireRoles(CaseReaders);

        cases.MapGet("/{id}/history", (HttpContext http, string id, ReadSide read, CaseReadLog reads) => HistoryAsync(http, id, read, reads))
            .WithName("case_history")
            .WithSummary("Every event of a case as stored: position, version, type, recorded_at, actor, data, metadata, hashes")
            .RequireRoles(HistoryReaders);

        cases.MapGet("/{id}/redacted", (HttpContext http, string id, ReadSide read, CaseReadLog reads) => RedactedAsync(http, id, read, reads))
            .WithName("redacted_case")
            .WithSummary("What may be published of a case: natural persons as 某某, no identity numbers, phones or addresses")
            .RequireRoles(Role.Publisher, Role.Auditor);

        app.MapGet("/deadlines", (HttpContext http, DeadlineNotices deadlines, CaseReadLog reads) => DeadlinesAsync(http, deadlines, reads))
            .WithName("deadlines").WithTags("cases")
            .WithSummary("The statutory deadlines the ledger reminds of in your region, earliest due first, each with what its reminder found and the deadline_overdue notice: region, overdue, limit, purpose")
            .RequireRoles(CaseReaders);

        app.MapGet("/inbox", (HttpContext http, BureauInbox inbox, CaseReadLog reads) => InboxAsync(http, inbox, reads))
            .WithName("inbox").WithTags("cases")
            .WithSummary("What other bureaus referred to your region (leads transferred, related leads, joint handling, transferred cases) and what went to the police or another organ, newest first: region, limit, purpose")
            .RequireRoles(CaseReaders);

        app.MapGet("/audit/reads", (HttpContext http, CaseReadLog reads) => ReadsAsync(http, reads))
            .WithName("case_reads").WithTags("audit")
            .WithSummary("Who read which case of your region, when, through which endpoint, for what stated purpose (newest first; case_id, user, before, limit)")
            .RequireRoles(Role.Auditor);
    }

    private static async Task<Ok<CaseListResponse>> ListAsync(HttpContext http, CaseReadLog reads, IClock clock, ReadSide read)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "region", "status", "kind", "flag", "campaign", "overdue", "filed_from", "filed_to", "limit", "offset", "purpose");
        var caller = http.Caller();
        var purpose = CaseReadLog.ValidatePurpose(QueryParameters.Text(request, "purpose"));
        var query = CaseListQuery.Parse(QueryParameters.Text(request, "region"), QueryParameters.Text(request, "status"), QueryParameters.Text(request, "kind"),
            QueryParameters.Text(request, "flag"), QueryParameters.Text(request, "campaign"), QueryParameters.Flag(request, "overdue"),
            QueryParameters.Text(request, "filed_from"), QueryParameters.Text(request, "filed_to"),
            (int)(QueryParameters.Long(request, "limit", 1, 1_000) ?? 50), (int)(QueryParameters.Long(request, "offset", 0, int.MaxValue) ?? 0));
        query = query with { Region = Scope.Narrow(caller, query.Region, "region") };

        var today = clock.GetCurrentInstant().InZone(DecisionContext.Zone).Date;
        var (items, total) = await CaseList.QueryAsync(read.DataSource, query, today, http.RequestAborted);
        await reads.RecordAsync(caller, [.. items.Select(i => (i.CaseId, i.Region))], "GET /cases", purpose, http.RequestAborted);
        return TypedResults.Ok(new CaseListResponse(total, query.Offset, query.Limit, items));
    }

    private static async Task<Ok<DeadlinesResponse>> DeadlinesAsync(HttpContext http, DeadlineNotices deadlines, CaseReadLog reads)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "region", "overdue", "limit", "purpose");
        var caller = http.Caller();
        var purpose = CaseReadLog.ValidatePurpose(QueryParameters.Text(request, "purpose"));
        var region = Scope.Narrow(caller, QueryParameters.Text(request, "region") is { } text ? RegionCode.Parse(text.Trim(), "region") : null, "region");
        var limit = (int)(QueryParameters.Long(request, "limit", 1, DeadlineNotices.MaxLimit) ?? 200);
        var entries = await deadlines.ListAsync(region, QueryParameters.Flag(request, "overdue"), limit, http.RequestAborted);
        await reads.RecordAsync(caller, [.. entries.Select(e => (e.CaseId, e.Region ?? "")).Distinct()], "GET /deadlines", purpose, http.RequestAborted);
        return TypedResults.Ok(new DeadlinesResponse([.. entries.Select(e => new DeadlineItem(e.CaseId, e.Deadline, e.DueOn, e.Region, e.Rule, e.FiresAt,
            e.FiredAt, e.Finding, e.Overdue, e.NoticedAt))]));
    }

    private static async Task<Ok<InboxResponse>> InboxAsync(HttpContext http, BureauInbox inbox, CaseReadLog reads)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "region", "limit", "purpose");
        var caller = http.Caller();
        var purpose = CaseReadLog.ValidatePurpose(QueryParameters.Text(request, "purpose"));
        var region = Scope.Narrow(caller, QueryParameters.Text(request, "region") is { } text ? RegionCode.Parse(text.Trim(), "region") : null, "region");
        var limit = (int)(QueryParameters.Long(request, "limit", 1, BureauInbox.MaxLimit) ?? 200);
        var received = await inbox.ListAsync(region, limit, http.RequestAborted);
        // A referral names the sending bureau's case: reading it is a read of that case.
        await reads.RecordAsync(caller, [.. received.Select(r => (r.FromCaseId, r.FromRegion)).Distinct()], "GET /inbox", purpose, http.RequestAborted);
        return TypedResults.Ok(new InboxResponse(received));
    }

    private static async Task<Ok<CaseResponse>> ShowAsync(HttpContext http, string id, ReadSide read, CaseReadLog reads, IClock clock)
    {
        var request = http.Request;
        // as_of, as the totals and every other query parameter spell it; asOf, the first spelling, stays an alias for the
        // links and clients made with it. A refusal names the parameter as the caller spelled it.
        QueryParameters.OnlyKnown(request, "version", "as_of", "asOf", "purpose");
        var purpose = CaseReadLog.ValidatePurpose(QueryParameters.Text(request, "purpose"));
        var version = QueryParameters.Long(request, "version", 1);
        var asOfName = request.Query.ContainsKey("asOf") && !request.Query.ContainsKey("as_of") ? "asOf" : "as_of";
        if (request.Query.ContainsKey("asOf") && request.Query.ContainsKey("as_of"))
            throw new ApiProblem(StatusCodes.Status400BadRequest, "as_of", "give as_of once (asOf is its older spelling), not both");
        var asOfText = QueryParameters.Text(request, asOfName);
        if (version is not null && asOfText is not null)
            throw new ApiProblem(StatusCodes.Status400BadRequest, asOfName, $"give version or {asOfName}, not both");
        Instant? asOf = asOfText is null ? null : TotalsQuery.ParseInstant(asOfText, asOfName);

        var (history, region) = await LoadInScopeAsync(http, id, read, version, asOf);
        if (version is { } v && history.State.Version < v)
            throw new ApiProblem(StatusCodes.Status404NotFound, "version", $"case {id} is at version {history.State.Version}; there is no version {v}");
        if (history.Entries.Count == 0)
            throw new ApiProblem(StatusCodes.Status404NotFound, asOfName, $"case {id} had no events recorded at {asOf}");
        // Everything the answer holds is worked out before the read is recorded: a read that fails records nothing.
        var today = (asOf ?? clock.GetCurrentInstant()).InZone(DecisionContext.Zone).Date;
        var deadlines = CaseDeadlines.Compute(history.State, WorkingDayCalendar.China, today);
        await RecordReadAsync(http, reads, id, region, "GET /cases/{id}", purpose);

        http.Response.Headers.ETag = ETags.Of(history.State.Version);
        return TypedResults.Ok(new CaseResponse(id, history.State.Version, asOf, today, history.State, deadlines));
    }

    private static async Task<Ok<CaseHistoryResponse>> HistoryAsync(HttpContext http, string id, ReadSide read, CaseReadLog reads)
    {
        var (history, _) = await ReadCaseAsync(http, id, read, reads, "GET /cases/{id}/history");
        http.Response.Headers.ETag = ETags.Of(history.State.Version);
        // A voided step stays in the history; it names the step that voided it, so an auditor reads both together.
        var voidedBy = history.VoidedBy();
        return TypedResults.Ok(new CaseHistoryResponse(id, history.State.Version, [.. history.Entries.Select(e => new CaseHistoryEvent(
            e.Recorded.Position, e.Recorded.Version, e.Recorded.EventId, e.Recorded.Type, e.Recorded.RecordedAt, e.Event.On, e.Actor, e.Command,
            CaseDescriptions.Summarize(e.Event), voidedBy.TryGetValue(e.Recorded.Version, out var by) ? by : null,
            JsonSerializer.Deserialize<JsonElement>(e.Recorded.Data), JsonSerializer.Deserialize<JsonElement>(e.Recorded.Metadata),
            Convert.ToHexStringLower(e.Recorded.PreviousHash), Convert.ToHexStringLower(e.Recorded.Hash)))]));
    }

    private static async Task<Ok<RedactedCaseResponse>> RedactedAsync(HttpContext http, string id, ReadSide read, CaseReadLog reads)
    {
        var (history, region) = await ReadCaseAsync(http, id, read, reads, "GET /cases/{id}/redacted");
        var state = history.State;
        return TypedResults.Ok(new RedactedCaseResponse(id, region.Value, Redaction.PublishedPlace(region), state.Kind, state.Status,
            state.Party is { } party ? Redaction.PublishedName(party) : null,
            state.Requester is { } requester ? Redaction.PublishedName(requester) : null,
            state.Right is { } right ? new RedactedRight(right.Kind, right.Name, right.RegistrationNumber, right.Holder) : null,
            state.FiledOn, state.CaseValue,
            state.Decision is { } d ? new RedactedDecision(d.Kind, d.On, d.Number, d.Items, d.Revoked) : null,
            state.Status == CaseStatus.Closed));
    }

    private static async Task<Ok<CaseReadsResponse>> ReadsAsync(HttpContext http, CaseReadLog reads)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "case_id", "user", "before", "limit");
        var caseId = QueryParameters.Text(request, "case_id");
        if (caseId is not null) CaseIds.Validate(caseId);
        var found = await reads.QueryAsync(new CaseReadQuery(http.Caller().Region, caseId, QueryParameters.Text(request, "user"),
            (int)(QueryParameters.Long(request, "limit", 1, 1_000) ?? 100), QueryParameters.Long(request, "before", 1)), http.RequestAborted);
        return TypedResults.Ok(new CaseReadsResponse([.. found.Select(r => new CaseReadItem(r.ReadId, r.ReadAt, r.UserName, r.Role, r.CaseId, r.Region,
            r.Endpoint, r.Purpose))]));
    }

    /// <summary>The region of a case the caller may read: 404 when there is no such case or it lies outside their region
    /// (the same answer: <see cref="Scope.RequireCase"/>). Scope is judged on the case as it stands now (the case view),
    /// whatever version is asked for: a case moved out of a region by a correction is no longer that region's to read.</summary>
    internal static async Task<RegionCode> RequireInScopeAsync(HttpContext http, string id, CaseRegions regions)
    {
        CaseIds.Validate(id);
        var region = await regions.RegionOfAsync(id, http.RequestAborted);
        Scope.RequireCase(http.Caller(), id, region);
        return region!;
    }

    private static async Task<(CaseHistory History, RegionCode Region)> LoadInScopeAsync(
        HttpContext http, string id, ReadSide read, long? version, Instant? asOf)
    {
        var region = await RequireInScopeAsync(http, id, read.Regions);
        return (await CaseHistory.LoadAsync(read.Store, id, version, asOf, http.RequestAborted), region);
    }

    /// <summary>What every whole-case read does first: only <c>?purpose=</c> is taken, the case must be in scope, the read is recorded.</summary>
    private static async Task<(CaseHistory History, RegionCode Region)> ReadCaseAsync(
        HttpContext http, string id, ReadSide read, CaseReadLog reads, string endpoint)
    {
        QueryParameters.OnlyKnown(http.Request, "purpose");
        var purpose = CaseReadLog.ValidatePurpose(QueryParameters.Text(http.Request, "purpose"));
        var loaded = await LoadInScopeAsync(http, id, read, null, null);
        await RecordReadAsync(http, reads, id, loaded.Region, endpoint, purpose);
        return loaded;
    }

    private static Task RecordReadAsync(HttpContext http, CaseReadLog reads, string caseId, RegionCode region, string endpoint, string? purpose) =>
        reads.RecordAsync(http.Caller(), [(caseId, region.Value)], endpoint, purpose, http.RequestAborted);
}
