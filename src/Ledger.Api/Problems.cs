using Ledger.Domain;
using Ledger.EventStore;
using Ledger.Integrity;
using Microsoft.AspNetCore.Mvc;

namespace Ledger.Api;

/// <summary>A request the API refuses, with the status, the field (header, parameter or body path) and the rule.</summary>
public sealed class ApiProblem(int status, string field, string rule) : Exception($"{field}: {rule}")
{
    public int Status { get; } = status;
    public string Field { get; } = field;
    public string Rule { get; } = rule;
}

/// <summary>
/// Every refusal as RFC 9457 problem details: a title for people, <c>errors</c> mapping each field to its rules
/// for programs, and for a conflict the case's current version (also as the ETag) so the client can re-read and retry.
/// </summary>
public static class Problems
{
    /// <summary>Runs an endpoint, turning every refusal into its problem response (nothing has been written then:
    /// refusals happen before, or roll back, the only transaction a request opens).</summary>
    public static async Task<IResult> Guard(HttpContext http, Func<Task<IResult>> endpoint)
    {
        try
        {
            return await endpoint();
        }
        catch (ApiProblem problem)
        {
            return Of(problem.Status, problem.Field, problem.Rule);
        }
        catch (DomainRuleViolation violation)
        {
            return Of(StatusCodes.Status422UnprocessableEntity, violation.Field, violation.Rule);
        }
        catch (EventStoreValidationException invalid)
        {
            return Of(StatusCodes.Status422UnprocessableEntity, invalid.Field, invalid.Rule);
        }
        catch (MerkleLogException log)
        {
            return Of(StatusCodes.Status422UnprocessableEntity, log.Field, log.Rule);
        }
        catch (ConcurrencyException conflict)
        {
            http.Response.Headers.ETag = ETags.Of(conflict.ActualVersion);
            return Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The case has changed since the version you sent",
                Detail = $"case {conflict.StreamId} is at version {conflict.ActualVersion}, not {conflict.Expected}; read it again and resend with If-Match: \"{conflict.ActualVersion}\"",
                Extensions = { ["current_version"] = conflict.ActualVersion, ["errors"] = Errors("If-Match", $"the case is at version {conflict.ActualVersion}") },
            });
        }
    }

    /// <summary>A problem naming one field and its rule.</summary>
    public static IResult Of(int status, string field, string rule) => Results.Problem(new ProblemDetails
    {
        Status = status,
        Title = status switch
        {
            StatusCodes.Status400BadRequest => "The request is malformed",
            StatusCodes.Status403Forbidden => "Outside your role or region",
            StatusCodes.Status404NotFound => "Not found",
            StatusCodes.Status413PayloadTooLarge => "The request body is too large",
            StatusCodes.Status415UnsupportedMediaType => "The request body is not JSON",
            StatusCodes.Status429TooManyRequests => "Too many failed authentications",
            StatusCodes.Status503ServiceUnavailable => "The database is unavailable",
            _ => "The request breaks a rule",
        },
        Detail = $"{field}: {rule}",
        Extensions = { ["errors"] = Errors(field, rule) },
    });

    private static Dictionary<string, string[]> Errors(string field, string rule) => new() { [field] = [rule] };

}

/// <summary>Case versions as entity tags: version 7 is <c>"7"</c>.</summary>
public static class ETags
{
    public static string Of(long version) => $"\"{version}\"";

    /// <summary>Reads If-Match: absent or <c>*</c> means any version; otherwise exactly one quoted version.</summary>
    public static long? ParseIfMatch(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0) return null;
        var text = values.Count == 1 ? values[0]!.Trim() : "";
        if (text == "*") return null;
        if (text.Length >= 3 && text[0] == '"' && text[^1] == '"' && long.TryParse(text[1..^1], System.Globalization.NumberStyles.None, null, out var version))
            return version;
        throw new ApiProblem(StatusCodes.Status400BadRequest, "If-Match", $"is one case version as an entity tag, such as \"7\", or * (got '{string.Join(", ", values.ToArray())}')");
    }
}
