using Ledger.Application.Access;
using Ledger.Application.Cases;
using Ledger.Application.Typical;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.Domain.Typical;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace Ledger.Api;

/// <summary>
/// A region's annual typical cases over HTTP: publishers nominate, draft, rank, publish and withdraw; approvers approve
/// (never a selection they wrote — the domain refuses it); publishers, approvers, officials and auditors read the
/// selection and its published editions byte for byte. The acting person (<c>by</c>) is always the caller.
/// </summary>
public static class TypicalEndpoints
{
    /// <summary>Each selection action: the noun it is posted to under <c>/typical/{region}/{year}/</c>, as the case actions are
    /// (<see cref="CaseActionRoutes"/>), its command and the one role that sends it.</summary>
    private static readonly (string Action, string Path, Type Command, Role Role)[] Actions =
    [
        ("nominate_case", "nominations", typeof(SelectionCommand.NominateCase), Role.Publisher),
        ("remove_nomination", "nomination-removals", typeof(SelectionCommand.RemoveNomination), Role.Publisher),
        ("draft_case", "drafts", typeof(SelectionCommand.DraftCase), Role.Publisher),
        ("rank_cases", "ranking", typeof(SelectionCommand.RankCases), Role.Publisher),
        ("approve_selection", "approval", typeof(SelectionCommand.ApproveSelection), Role.Approver),
        ("publish_selection", "publication", typeof(SelectionCommand.PublishSelection), Role.Publisher),
        ("withdraw_published_case", "withdrawals", typeof(SelectionCommand.WithdrawPublishedCase), Role.Publisher),
    ];

    /// <summary>Who reads selections and their published editions.</summary>
    internal static readonly Role[] Readers = [Role.Publisher, Role.Approver, Role.Official, Role.Auditor];

    public static void Map(IEndpointRouteBuilder app)
    {
        var selection = app.MapGroup("/typical/{region}/{year}").WithTags("typical cases");
        foreach (var (action, path, type, role) in Actions)
            selection.MapPost($"/{path}", (HttpContext http, string region, string year, TypicalCaseSelections selections) =>
                    HandleAsync(http, region, year, action, type, selections))
                .WithName($"typical_{action}")
                .WithSummary($"{action} ({CaseActionRoutes.Name(role)}); headers: Idempotency-Key (required); by is the caller")
                .RequireRoles(role);

        selection.MapGet("", (HttpContext http, string region, string year, TypicalCaseSelections selections) => ShowAsync(http, region, year, selections))
            .WithName("typical_selection")
            .WithSummary("The selection: cases in rank order with their texts, approval, editions with their SHA-256, withdrawals due")
            .RequireRoles(Readers);

        selection.MapGet("/editions/{edition}", (HttpContext http, string region, string year, int edition, TypicalCaseSelections selections) =>
                EditionAsync(http, region, year, edition, selections))
            .WithName("typical_edition")
            .WithSummary("A published edition exactly as published (?format=html, markdown or json); ETag is its SHA-256")
            .RequireRoles(Readers);
    }

    private static SelectionId InScope(HttpContext http, string region, string year)
    {
        var id = SelectionId.Parse(region, year);
        Scope.Require(http.Caller(), id.Region, "region");
        return id;
    }

    private static async Task<Ok<SelectionResponse>> HandleAsync(HttpContext http, string region, string year, string action, Type type, TypicalCaseSelections selections)
    {
        var caller = http.Caller();
        var key = RequestBody.RequiredHeader(http.Request, "Idempotency-Key", CaseCommandHandler.MaxIdempotencyKeyLength);
        var id = InScope(http, region, year);
        var fields = await RequestBody.ReadObjectAsync(http.Request, http.RequestAborted);
        CaseCommandEndpoints.ActAs(fields, "by", caller);
        var command = (SelectionCommand)CaseCommandSerializer.FromFields(type, action, fields);
        SelectionOutcome outcome;
        try
        {
            outcome = await selections.HandleAsync(id, command, caller.Name, key, ct: http.RequestAborted);
        }
        catch (DomainRuleViolation violation) when (violation.Field == "idempotency_key")
        {
            // As for case commands: over HTTP the key is a header, and the problem names it as the caller sent it.
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key", violation.Rule);
        }
        if (outcome.AlreadyApplied) http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(new SelectionResponse(id.StreamId, outcome.FromVersion, outcome.ToVersion, outcome.EventTypes, outcome.AlreadyApplied));
    }

    private static async Task<Ok<SelectionDetailResponse>> ShowAsync(HttpContext http, string region, string year, TypicalCaseSelections selections)
    {
        QueryParameters.OnlyKnown(http.Request);
        var id = InScope(http, region, year);
        var view = await selections.ViewAsync(id, ct: http.RequestAborted);
        var state = view.State;
        if (state.Region is null) throw new ApiProblem(StatusCodes.Status404NotFound, "region", $"no selection of {id} is open");
        return TypedResults.Ok(new SelectionDetailResponse(id.StreamId, id.Region.Value, id.Year, state.Version, state.Naming, state.NextEdition, state.Approval,
            [.. state.Entries.Select((e, i) => new SelectionCase(i + 1, e.CaseId, e.CaseRegion.Value, e.Kind, e.ClosedOn, e.NominatedBy,
                e.Text is { } t ? new SelectionCaseText(t.Title, t.Facts, t.Outcome, t.Significance, t.CaseVersion, t.WrittenByPublisher, t.By) : null))],
            [.. state.Editions.Select(e => new SelectionEditionItem(e.Edition, e.On, e.By, e.Approval.By, e.Approval.On, e.Approval.ShortfallReason,
                [.. e.Entries.Select(x => x.CaseId)], e.Documents))],
            state.Withdrawals, view.WithdrawalsDue));
    }

    private static async Task<IResult> EditionAsync(HttpContext http, string region, string year, int edition, TypicalCaseSelections selections)
    {
        QueryParameters.OnlyKnown(http.Request, "format");
        var id = InScope(http, region, year);
        var format = QueryParameters.Text(http.Request, "format") ?? "html";
        var artefact = await selections.ArtefactAsync(id, edition, format, http.RequestAborted);
        if (!artefact.MatchesStoredHash)
            throw new InvalidOperationException($"the stored {format} of edition {edition} of {id} does not match the hash its publication recorded");
        http.Response.Headers.ETag = $"\"{artefact.RecordedSha256}\"";
        return Results.Bytes(artefact.Content, artefact.MediaType);
    }
}

/// <summary>What a selection command recorded.</summary>
public sealed record SelectionResponse(string Selection, long FromVersion, long ToVersion, IReadOnlyList<string> EventTypes, bool AlreadyApplied);

/// <summary>A selection (<c>GET /typical/{region}/{year}</c>): its cases in rank order with their texts, the approval of the
/// content as it stands, the published editions with their documents' SHA-256, withdrawals made and due.</summary>
public sealed record SelectionDetailResponse(
    string Selection, string Region, int Year, long Version, PersonNaming Naming, int NextEdition, SelectionApproval? Approval,
    IReadOnlyList<SelectionCase> Cases, IReadOnlyList<SelectionEditionItem> Editions, IReadOnlyList<SelectionWithdrawal> Withdrawals,
    IReadOnlyList<WithdrawalDue> WithdrawalsDue);

/// <summary>A case of the selection at its rank.</summary>
public sealed record SelectionCase(int Rank, string CaseId, string CaseRegion, CaseKind Kind, LocalDate ClosedOn, string NominatedBy, SelectionCaseText? Text);

/// <summary>The text drafted for a case, the case version it was written from, what the publisher wrote and who drafted it.</summary>
public sealed record SelectionCaseText(
    string Title, string Facts, string Outcome, string Significance, long CaseVersion, IReadOnlyList<string> WrittenByPublisher, string By);

/// <summary>A published edition: when and by whom, its approval, its cases and its stored documents.</summary>
public sealed record SelectionEditionItem(
    int Edition, LocalDate PublishedOn, string PublishedBy, string ApprovedBy, LocalDate ApprovedOn, string? ShortfallReason, IReadOnlyList<string> Cases,
    IReadOnlyList<PublishedDocument> Documents);
