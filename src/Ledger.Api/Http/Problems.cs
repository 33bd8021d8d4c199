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
/// The endpoints' refusals, answered by ASP.NET's exception handler (<c>UseExceptionHandler</c>) as their problem
/// details, so no endpoint catches them itself. A handled exception is not logged as an error (ASP.NET Core 10); the
/// request log names its status.
/// </summary>
public sealed class RefusalProblems : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (Problems.For(http, exception) is not { } problem) return false;
        await problem.ExecuteAsync(http);
        return true;
    }
}

/// <summary>
/// Every refusal as RFC 9457 problem details: a title for people, <c>errors</c> mapping each field to its rules
/// for programs, and for a conflict the case's current version (also as the ETag) so the client can re-read and retry.
/// </summary>
public static class Problems
{
    /// <summary>
    /// The problem response for a refusal, or null for any other exception. Nothing has been written when one is thrown:
    /// refusals happen before, or roll back, the only transaction a request opens.
    /// </summary>
    public static IResult? For(HttpContext http, Exception exception)
    {
        switch (exception)
        {
            case ApiProblem problem:
                return Of(problem.Status, problem.Field, problem.Rule);
            case DomainRuleViolation violation:
                return Of(StatusCodes.Status422UnprocessableEntity, violation.Field, violation.Rule);
            case EventStoreValidationException invalid:
                return Of(StatusCodes.Status422UnprocessableEntity, invalid.Field, invalid.Rule);
            case MerkleLogException log:
                return Of(StatusCodes.Status422UnprocessableEntity, log.Field, log.Rule);
            case ConcurrencyException conflict:
                return Conflict(http, conflict);
            default:
                return null;
        }
    }

    /// <summary>
    /// 409 with the case's current version, in the body and as the ETag, so the client can re-read and resend. The command
    /// endpoint answers its conflicts itself: ASP.NET's exception handler removes an ETag from the responses it writes.
    /// </summary>
    public static IResult Conflict(HttpContext http, ConcurrencyException conflict)
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
