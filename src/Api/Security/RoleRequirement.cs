using Microsoft.AspNetCore.Authorization;
using PriceIngest.Formats;

namespace PriceIngest.Api.Security;

/// <summary>The caller's key must have <see cref="Needed"/> or a role above it.</summary>
internal sealed class RoleRequirement(ApiRole needed) : AuthorizationHandler<RoleRequirement>, IAuthorizationRequirement
{
    public ApiRole Needed { get; } = needed;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (context.User.FindFirst(ApiKeyAuthentication.RoleClaim)?.Value is { } text
            && ApiKeyFile.TryParseRole(text, out var role) && role >= requirement.Needed)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
