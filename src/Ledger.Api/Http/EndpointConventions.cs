using Ledger.Application.Access;

namespace Ledger.Api;

/// <summary>What every endpoint of the ledger declares beside its route.</summary>
internal static class EndpointConventions
{
    /// <summary>Only callers of one of <paramref name="roles"/> (a 403 naming them otherwise), and the problems every endpoint may answer.</summary>
    internal static RouteHandlerBuilder RequireRoles(this RouteHandlerBuilder builder, params Role[] roles) =>
        builder.RequireAuthorization(policy => policy.RequireRole(roles.Select(CaseActionRoutes.Name)))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
