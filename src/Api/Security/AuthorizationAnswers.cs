using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using PriceIngest.Api.Hosting;
using PriceIngest.Formats;

namespace PriceIngest.Api.Security;

/// <summary>
/// Answers a refused call in its own protocol: REST gets 401 (with <c>WWW-Authenticate</c>) or 403
/// as problem+json naming the role needed; gRPC gets UNAUTHENTICATED or PERMISSION_DENIED with the
/// same words, as a trailers-only response.
/// </summary>
internal sealed class AuthorizationAnswers : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        var needed = policy.Requirements.OfType<RoleRequirement>().Select(r => r.Needed).DefaultIfEmpty(ApiRole.Admin).Max();
        if (authorizeResult.Challenged)
        {
            var reason = context.Items[ApiKeyAuthentication.FailureItem] as string ?? "an API key is required";
            return GrpcTrailersOnly.IsGrpc(context)
                ? GrpcTrailersOnly.WriteAsync(context, 16 /* UNAUTHENTICATED */, reason)
                : Rest(context, StatusCodes.Status401Unauthorized, "API key required", reason, challenge: true);
        }

        var caller = context.User.FindFirst(ClaimTypes.Name)?.Value ?? "?";
        var has = context.User.FindFirst(ApiKeyAuthentication.RoleClaim)?.Value ?? "none";
        var detail = $"this call needs the '{ApiKeyFile.RoleName(needed)}' role; key '{caller}' has '{has}'";
        return GrpcTrailersOnly.IsGrpc(context)
            ? GrpcTrailersOnly.WriteAsync(context, 7 /* PERMISSION_DENIED */, detail)
            : Rest(context, StatusCodes.Status403Forbidden, "Role required", detail, challenge: false);
    }

    private static Task Rest(HttpContext context, int status, string title, string detail, bool challenge)
    {
        if (challenge)
        {
            context.Response.Headers.WWWAuthenticate = context.Request.Headers.Authorization.Count == 0
                ? "Bearer realm=\"priceingest\""
                : "Bearer realm=\"priceingest\", error=\"invalid_token\"";
        }

        return Results.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
    }
}
