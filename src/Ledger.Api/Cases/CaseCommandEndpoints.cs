using System.Text.Json.Nodes;
using Ledger.Application;
using Ledger.Application.Access;
using Ledger.Application.Cases;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using Microsoft.OpenApi;

namespace Ledger.Api;

/// <summary>The case commands: one POST endpoint per case action (see <see cref="CaseActionRoutes"/>).</summary>
public static class CaseCommandEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var route in CaseActionRoutes.All)
        {
            var builder = route.StartsCase
                ? app.MapPost(route.Path, (HttpContext http, CaseCommandHandler handler) =>
                    HandleAsync(http, route, null, handler))
                : app.MapPost(route.Path, (HttpContext http, string id, CaseCommandHandler handler) =>
                    HandleAsync(http, route, id, handler));
            builder.WithName(route.Action)
                .WithTags("commands")
                .WithSummary($"{route.Action} ({CaseActionRoutes.Name(route.Role)})")
                .WithDescription(route.StartsCase
                    ? $"Starts a case: the body holds case_id and the fields of {route.Action}. Headers: Idempotency-Key (required)."
                    : $"The body holds the fields of {route.Action}. Headers: Idempotency-Key (required), If-Match (the version you saw, optional)." +
                      (CaseActionRoutes.FieldOf(route.Person) is { } field ? $" {field} is the caller and may be left out." : ""))
                // Described, not enforced by routing: the body is read by RequestBody, which answers a wrong
                // Content-Type with a problem naming it (routing's own 415 would say nothing).
                .AddOpenApiOperationTransformer((operation, _, _) =>
                {
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Description = route.StartsCase ? $"case_id and the fields of {route.Action}" : $"the fields of {route.Action}",
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } },
                    };
                    return Task.CompletedTask;
                })
                .Produces<CommandResponse>(route.StartsCase ? StatusCodes.Status201Created : StatusCodes.Status200OK)
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
                .RequireAuthorization(policy => policy.RequireRole(CaseActionRoutes.Name(route.Role)));
        }
    }

    private static async Task<IResult> HandleAsync(HttpContext http, CaseActionRoute route, string? routeCaseId, CaseCommandHandler handler)
    {
        var caller = http.Caller();
        var key = RequestBody.RequiredHeader(http.Request, "Idempotency-Key", CaseCommandHandler.MaxIdempotencyKeyLength);
        var expectedVersion = ETags.ParseIfMatch(http.Request);
        var fields = await RequestBody.ReadObjectAsync(http.Request, http.RequestAborted);

        var caseId = routeCaseId ?? TakeCaseId(fields);
        CaseIds.Validate(caseId);
        if (route.StartsCase && expectedVersion is not null)
            throw new ApiProblem(StatusCodes.Status400BadRequest, "If-Match", "a case that is being started has no version to match; leave If-Match out");
        // A new case's region, before the rest of its body is judged: a region outside the caller's is refused as such.
        if (route.StartsCase && fields["region"] is JsonValue given && given.TryGetValue<string>(out var text) && RegionCode.TryParse(text, out var asked))
            Scope.Require(caller, asked, "region");

        // The command is read from the body only once the case as loaded is the caller's to act on (the one read of the
        // case serves this check, a retry's replay and the decision): a case outside the caller's region answers as a
        // missing one does, whatever the body holds. Any region the command moves the case to must lie within theirs.
        CaseCommand ReadCommand()
        {
            ActAs(route, fields, caller);
            var command = CaseCommandSerializer.FromFields(route.Action, fields);
            if (command is CaseCommand.RegisterLead { Region: var leadRegion }) Scope.Require(caller, leadRegion, "region");
            if (command is CaseCommand.RequestDispute { Region: var disputeRegion }) Scope.Require(caller, disputeRegion, "region");
            if (command is CaseCommand.CorrectCaseDetails { Region: { } moved }) Scope.Require(caller, moved, "region");
            return command;
        }
        void InScope(CaseState state)
        {
            if (!route.StartsCase) Scope.RequireCase(caller, caseId, state.Version == 0 ? null : state.Region);
        }

        CommandOutcome outcome;
        try
        {
            outcome = await handler.HandleAsync(new CommandEnvelope(caseId, caller.Name, key, expectedVersion), ReadCommand, InScope, http.RequestAborted);
        }
        catch (DomainRuleViolation violation) when (violation.Field == "idempotency_key")
        {
            // Over HTTP the key is a header: the problem names it as the caller sent it.
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key", violation.Rule);
        }
        catch (ConcurrencyException conflict)
        {
            return Problems.Conflict(http, conflict);
        }
        http.Response.Headers.ETag = ETags.Of(outcome.ToVersion);
        if (outcome.AlreadyApplied) http.Response.Headers["Idempotent-Replayed"] = "true";
        var body = new CommandResponse(outcome.CaseId, outcome.FromVersion, outcome.ToVersion, outcome.EventTypes, outcome.AlreadyApplied, outcome.RecordedAt);
        if (route.StartsCase) return TypedResults.Created($"/cases/{Uri.EscapeDataString(caseId)}", body);
        return TypedResults.Ok(body);
    }

    private static string TakeCaseId(JsonObject fields)
    {
        if (!fields.TryGetPropertyValue("case_id", out var node) || node is not JsonValue value || !value.TryGetValue<string>(out var caseId))
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "case_id", "a new case needs its case_id (the number on the file, such as 140824-2025-012) as a string");
        fields.Remove("case_id");
        return caseId;
    }

    /// <summary>
    /// Writes the caller into the approval or review field. A body naming someone else is refused: an approval is
    /// recorded by the approver, under their own identity, never by someone typing a name.
    /// </summary>
    private static void ActAs(CaseActionRoute route, JsonObject fields, ApiUser caller)
    {
        if (CaseActionRoutes.FieldOf(route.Person) is { } field) ActAs(fields, field, caller);
    }

    /// <summary>Writes the caller's identity into <paramref name="field"/>, refusing a body that names someone else there.</summary>
    internal static void ActAs(JsonObject fields, string field, ApiUser caller)
    {
        if (fields.TryGetPropertyValue(field, out var given) && given is not null
            && !(given is JsonValue value && value.TryGetValue<string>(out var name) && name == caller.Identity))
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, field,
                $"is the person sending this command ({caller.Identity}); leave it out or give your own identity — nobody records another's approval or review");
        fields[field] = caller.Identity;
    }
}

/// <summary>What a command recorded.</summary>
public sealed record CommandResponse(string CaseId, long FromVersion, long ToVersion, IReadOnlyList<string> EventTypes, bool AlreadyApplied, NodaTime.Instant RecordedAt);
