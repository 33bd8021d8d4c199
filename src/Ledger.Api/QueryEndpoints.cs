using System.Text.Json;
using Ledger.Application.Access;
using Ledger.Application.Cases;
using Ledger.Application.Deadlines;
using Ledger.Application.Referrals;
using Ledger.Application.Totals;
using Ledger.Application;
using Ledger.Domain.Calendar;
using Ledger.Domain;
using Ledger.EventStore;
using NodaTime;

namespace Ledger.Api;

/// <summary>Reads of cases and totals. Every read of a case is recorded in <see cref="CaseReadLog"/> before it is answered.</summary>
public static class QueryEndpoints
{
    /// <summary>The roles that work cases or oversee them, and so read them whole.</summary>
    public static readonly Role[] CaseReaders = [Role.Recorder, Role.Reviewer, Role.Approver, Role.Auditor, Role.Official];
    /// <summary>The roles that read what was recorded, by whom and when.</summary>
    public static readonly Role[] HistoryReaders = [Role.Recorder, Role.Reviewer, Role.Approver, Role.Auditor];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/cases", (HttpContext http, CaseReadLog reads, IClock clock, Npgsql.NpgsqlDataSource dataSource) =>
                ListAsync(http, reads, clock, dataSource))
            .WithName("list_cases").WithTags("cases")
            .WithSummary("Cases of your region, newest filing first: region, status, kind, flag, campaign, overdue, filed_from, filed_to, limit, offset, purpose")
            .RequireRoles(CaseReaders);

        app.MapGet("/cases/{id}", (HttpContext http, string id, LedgerEventStore store, CaseRegions regions, CaseReadLog reads, IClock clock) =>
                ShowAsync(http, id, store, regions, reads, clock))
            .WithName("show_case").WithTags("cases")
            .WithSummary("A case now, after ?version=N, or as the ledger knew it ?as_of=2025-03-01T00:00+08:00 (also spelled asOf); its deadlines; ETag is the version")
            .RequireRoles(CaseReaders);

        app.MapGet("/cases/{id}/history", (HttpContext http, string id, LedgerEventStore store, CaseRegions regions, CaseReadLog reads) =>
                HistoryAsync(http, id, store, regions, reads))
            .WithName("case_history").WithTags("cases")
            .WithSummary("Every event of a case as stored: position, version, type, recorded_at, actor, data, metadata, hashes")
            .RequireRoles(HistoryReaders);

        app.MapGet("/cases/{id}/redacted", (HttpContext http, string id, LedgerEventStore store, CaseRegions regions, CaseReadLog reads) =>
                RedactedAsync(http, id, store, regions, reads))
            .WithName("redacted_case").WithTags("cases")
            .WithSummary("What may be published of a case: natural persons as 某某, no identity numbers, phones or addresses")
            .RequireRoles(Role.Publisher, Role.Auditor);

        app.MapGet("/deadlines", (HttpContext http, DeadlineNotices deadlines, CaseReadLog reads) =>
                DeadlinesAsync(http, deadlines, reads))
            .WithName("deadlines").WithTags("cases")
            .WithSummary("The statutory deadlines the ledger reminds of in your region, earliest due first, each with what its reminder found and the deadline_overdue notice: region, overdue, limit, purpose")
            .RequireRoles(CaseReaders);

        app.MapGet("/inbox", (HttpContext http, BureauInbox inbox, CaseReadLog reads) => InboxAsync(http, inbox, reads))
            .WithName("inbox").WithTags("cases")
            .WithSummary("What other bureaus referred to your region (leads transferred, related leads, joint handling, transferred cases) and what went to the police or another organ, newest first: region, limit, purpose")
            .RequireRoles(CaseReaders);

        app.MapGet("/totals", (HttpContext http, TotalsReader totals, IClock clock) => TotalsAsync(http, totals, clock))
            .WithName("totals").WithTags("totals")
            .WithSummary("Penalty totals as `ledger totals` gives them: region, from, to, kind, campaign, flag, by, caliber, as_of, compare")
            .RequireRoles(Role.Official, Role.Auditor);

        app.MapGet("/cases/analysis", (HttpContext http, IClock clock, Npgsql.NpgsqlDataSource dataSource) =>
                AnalysisAsync(http, clock, dataSource))
            .WithName("case_analysis").WithTags("cases", "totals")
            .WithSummary("The cockpit's 来源、流程、高发 analyses of the leads registered in a period, as the cases stand now: region, from, to, kind, campaign, flag")
            .RequireRoles(Role.Official, Role.Auditor);

        app.MapGet("/reference/figures", (Delegate)((HttpContext http) => Task.FromResult(PublishedFigures(http))))
            .WithName("published_figures").WithTags("totals")
            .WithSummary("The figures the source documents published (`ledger reference figures`), each with the totals query that reproduces it as of its publication")
            .RequireRoles(Role.Official, Role.Auditor);

        app.MapGet("/audit/reads", (HttpContext http, CaseReadLog reads) => ReadsAsync(http, reads))
            .WithName("case_reads").WithTags("audit")
            .WithSummary("Who read which case of your region, when, through which endpoint, for what stated purpose (newest first; case_id, user, before, limit)")
            .RequireRoles(Role.Auditor);
    }

    internal static RouteHandlerBuilder RequireRoles(this RouteHandlerBuilder builder, params Role[] roles) =>
        builder.RequireAuthorization(policy => policy.RequireRole(roles.Select(CaseActionRoutes.Name)))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> ListAsync(HttpContext http, CaseReadLog reads, IClock clock, Npgsql.NpgsqlDataSource dataSource)
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
        var (items, total) = await CaseList.QueryAsync(dataSource, query, today, http.RequestAborted);
        await reads.RecordAsync(caller, [.. items.Select(i => (i.CaseId, i.Region))], "GET /cases", purpose, http.RequestAborted);
        return Results.Json(new { total, offset = query.Offset, limit = query.Limit, cases = items }, ApiJson.Options);
    }

    private static async Task<IResult> DeadlinesAsync(HttpContext http, DeadlineNotices deadlines, CaseReadLog reads)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "region", "overdue", "limit", "purpose");
        var caller = http.Caller();
        var purpose = CaseReadLog.ValidatePurpose(QueryParameters.Text(request, "purpose"));
        var region = Scope.Narrow(caller, QueryParameters.Text(request, "region") is { } text ? RegionCode.Parse(text.Trim(), "region") : null, "region");
        var limit = (int)(QueryParameters.Long(request, "limit", 1, DeadlineNotices.MaxLimit) ?? 200);
        var entries = await deadlines.ListAsync(region, QueryParameters.Flag(request, "overdue"), limit, http.RequestAborted);
        await reads.RecordAsync(caller, [.. entries.Select(e => (e.CaseId, e.Region ?? "")).Distinct()], "GET /deadlines", purpose, http.RequestAborted);
        return Results.Json(new
        {
            deadlines = entries.Select(e => new
            {
                case_id = e.CaseId, deadline = e.Deadline, due_on = e.DueOn, region = e.Region, rule = e.Rule, reminder_fires_at = e.FiresAt,
                reminder_fired_at = e.FiredAt, finding = e.Finding, overdue = e.Overdue, noticed_at = e.NoticedAt,
            }),
        }, ApiJson.Options);
    }

    private static async Task<IResult> InboxAsync(HttpContext http, BureauInbox inbox, CaseReadLog reads)
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
        return Results.Json(new
        {
            referrals = received.Select(r => new
            {
                event_id = r.EventId, kind = r.Kind, from_case_id = r.FromCaseId, from_region = r.FromRegion, to_region = r.ToRegion,
                to_agency = r.ToAgency, on = r.On, summary = r.Summary, received_at = r.ReceivedAt,
            }),
        }, ApiJson.Options);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, string id, LedgerEventStore store, CaseRegions regions, CaseReadLog reads, IClock clock)
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

        var (history, region) = await LoadInScopeAsync(http, id, store, regions, version, asOf);
        if (version is { } v && history.State.Version < v)
            throw new ApiProblem(StatusCodes.Status404NotFound, "version", $"case {id} is at version {history.State.Version}; there is no version {v}");
        if (history.Entries.Count == 0)
            throw new ApiProblem(StatusCodes.Status404NotFound, asOfName, $"case {id} had no events recorded at {asOf}");
        // Everything the answer holds is worked out before the read is recorded: a read that fails records nothing.
        var today = (asOf ?? clock.GetCurrentInstant()).InZone(DecisionContext.Zone).Date;
        var deadlines = CaseDeadlines.Compute(history.State, WorkingDayCalendar.China, today);
        await RecordReadAsync(http, reads, id, region, "GET /cases/{id}", purpose);

        http.Response.Headers.ETag = ETags.Of(history.State.Version);
        return Results.Json(new
        {
            case_id = id,
            version = history.State.Version,
            as_of = asOf,
            deadlines_as_of = today,
            state = history.State,
            deadlines,
        }, ApiJson.Options);
    }

    private static async Task<IResult> HistoryAsync(HttpContext http, string id, LedgerEventStore store, CaseRegions regions, CaseReadLog reads)
    {
        var (history, _) = await ReadCaseAsync(http, id, store, regions, reads, "GET /cases/{id}/history");
        http.Response.Headers.ETag = ETags.Of(history.State.Version);
        // A voided step stays in the history; it names the step that voided it, so an auditor reads both together.
        var voidedBy = history.VoidedBy();
        return Results.Json(new
        {
            case_id = id,
            version = history.State.Version,
            events = history.Entries.Select(e => new
            {
                position = e.Recorded.Position,
                version = e.Recorded.Version,
                event_id = e.Recorded.EventId,
                type = e.Recorded.Type,
                recorded_at = e.Recorded.RecordedAt,
                effective_on = e.Event.On,
                actor = e.Actor,
                command = e.Command,
                summary = CaseDescriptions.Summarize(e.Event),
                voided_by = voidedBy.TryGetValue(e.Recorded.Version, out var by) ? by : (long?)null,
                data = JsonSerializer.Deserialize<JsonElement>(e.Recorded.Data),
                metadata = JsonSerializer.Deserialize<JsonElement>(e.Recorded.Metadata),
                previous_hash = Convert.ToHexStringLower(e.Recorded.PreviousHash),
                hash = Convert.ToHexStringLower(e.Recorded.Hash),
            }),
        }, ApiJson.Options);
    }

    private static async Task<IResult> RedactedAsync(HttpContext http, string id, LedgerEventStore store, CaseRegions regions, CaseReadLog reads)
    {
        var (history, region) = await ReadCaseAsync(http, id, store, regions, reads, "GET /cases/{id}/redacted");
        var state = history.State;
        return Results.Json(new
        {
            case_id = id,
            region = region.Value,
            place = Redaction.PublishedPlace(region),
            kind = state.Kind,
            status = state.Status,
            party = state.Party is { } party ? Redaction.PublishedName(party) : null,
            requester = state.Requester is { } requester ? Redaction.PublishedName(requester) : null,
            right = state.Right is { } right ? new { right.Kind, right.Name, right.RegistrationNumber, holder = right.Holder } : null,
            filed_on = state.FiledOn,
            case_value = state.CaseValue,
            decision = state.Decision is { } d ? new { d.Kind, d.On, d.Number, d.Items, d.Revoked } : null,
            closed = state.Status == CaseStatus.Closed,
        }, ApiJson.Options);
    }

    private static async Task<IResult> TotalsAsync(HttpContext http, TotalsReader totals, IClock clock)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "region", "from", "to", "kind", "campaign", "flag", "by", "caliber", "as_of", "compare");
        var caller = http.Caller();
        var query = TotalsQuery.Parse(QueryParameters.Text(request, "region"), QueryParameters.Text(request, "from"), QueryParameters.Text(request, "to"), QueryParameters.Text(request, "kind"),
            QueryParameters.Text(request, "campaign"), QueryParameters.Text(request, "flag"), QueryParameters.Text(request, "by"),
            QueryParameters.Text(request, "caliber"), QueryParameters.Text(request, "as_of"), QueryParameters.Text(request, "compare"), clock.GetCurrentInstant());
        // Officials see their region's totals unless they ask for a region within it.
        query = query with { Region = Scope.Narrow(caller, query.Region, "region") };
        var report = await totals.QueryAsync(query, http.RequestAborted);
        return Results.Content(TotalsReportFormats.Json(report), "application/json; charset=utf-8");
    }

    private static async Task<IResult> AnalysisAsync(HttpContext http, IClock clock, Npgsql.NpgsqlDataSource dataSource)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "region", "from", "to", "kind", "campaign", "flag");
        var now = clock.GetCurrentInstant();
        var query = TotalsQuery.Parse(QueryParameters.Text(request, "region"), QueryParameters.Text(request, "from"), QueryParameters.Text(request, "to"),
            QueryParameters.Text(request, "kind"), QueryParameters.Text(request, "campaign"), QueryParameters.Text(request, "flag"), null, null, null, null, now);
        query = query with { Region = Scope.Narrow(http.Caller(), query.Region, "region") };
        var report = await CaseAnalysis.QueryAsync(dataSource, query, now.InZone(DecisionContext.Zone).Date, http.RequestAborted);
        // Aggregates only: no case is shown, so nothing goes to the read log.
        return Results.Json(new
        {
            region = query.Region?.Value,
            region_name = TotalsQuery.RegionLabel(query.Region),
            from = query.Period.Start,
            to = query.Period.End,
            kinds = query.Kinds?.Select(k => SnakeCase.Of(k)) ?? [],
            query.Campaign,
            query.Flag,
            basis = "lead_on (线索登记日期): the leads registered in the period, at the stage each has reached now",
            today = report.Today,
            flow = report.Flow,
            sources = report.Sources,
            deadlines = report.Deadlines,
            high_incidence = new { regions = report.Regions.Select(r => new { r.Key, label = TotalsQuery.RegionLabel(RegionCode.Parse(r.Key)), r.Cases }), kinds = report.Kinds, marks = report.Marks },
        }, ApiJson.Options);
    }

    private static IResult PublishedFigures(HttpContext http)
    {
        QueryParameters.OnlyKnown(http.Request);
        var beijing = NodaTime.Text.OffsetDateTimePattern.ExtendedIso;
        return Results.Json(new
        {
            figures = Application.Totals.PublishedFigures.All.Select(f => new
            {
                f.Seed, f.Label, f.Region, region_name = TotalsQuery.RegionLabel(RegionCode.Parse(f.Region)), from = f.From, to = f.To,
                f.Kind, f.Campaign, f.Flag, caliber = "closed",
                as_of = beijing.Format(f.AsOf.WithOffset(Offset.FromHours(8))),
                published = new { f.Cases, f.CaseValue, f.FinesAndConfiscations, fines_at_least = f.FinesFrom, fines_below = f.FinesBelow },
            }),
        }, ApiJson.Options);
    }

    private static async Task<IResult> ReadsAsync(HttpContext http, CaseReadLog reads)
    {
        var request = http.Request;
        QueryParameters.OnlyKnown(request, "case_id", "user", "before", "limit");
        var caseId = QueryParameters.Text(request, "case_id");
        if (caseId is not null) CaseIds.Validate(caseId);
        var found = await reads.QueryAsync(new CaseReadQuery(http.Caller().Region, caseId, QueryParameters.Text(request, "user"),
            (int)(QueryParameters.Long(request, "limit", 1, 1_000) ?? 100), QueryParameters.Long(request, "before", 1)), http.RequestAborted);
        return Results.Json(new { reads = found.Select(r => new
        {
            r.ReadId, read_at = r.ReadAt, r.UserName, r.Role, r.CaseId, r.Region, r.Endpoint, r.Purpose,
        }) }, ApiJson.Options);
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
        HttpContext http, string id, LedgerEventStore store, CaseRegions regions, long? version, Instant? asOf)
    {
        var region = await RequireInScopeAsync(http, id, regions);
        return (await CaseHistory.LoadAsync(store, id, version, asOf, http.RequestAborted), region);
    }

    /// <summary>What every whole-case read does first: only <c>?purpose=</c> is taken, the case must be in scope, the read is recorded.</summary>
    private static async Task<(CaseHistory History, RegionCode Region)> ReadCaseAsync(
        HttpContext http, string id, LedgerEventStore store, CaseRegions regions, CaseReadLog reads, string endpoint)
    {
        QueryParameters.OnlyKnown(http.Request, "purpose");
        var purpose = CaseReadLog.ValidatePurpose(QueryParameters.Text(http.Request, "purpose"));
        var loaded = await LoadInScopeAsync(http, id, store, regions, null, null);
        await RecordReadAsync(http, reads, id, loaded.Region, endpoint, purpose);
        return loaded;
    }

    private static Task RecordReadAsync(HttpContext http, CaseReadLog reads, string caseId, RegionCode region, string endpoint, string? purpose) =>
        reads.RecordAsync(http.Caller(), [(caseId, region.Value)], endpoint, purpose, http.RequestAborted);
}
