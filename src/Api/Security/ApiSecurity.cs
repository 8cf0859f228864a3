using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PriceIngest.Api.Hosting;
using PriceIngest.Formats;

namespace PriceIngest.Api.Security;

/// <summary>
/// API keys with roles on every public endpoint (REST and gRPC). An endpoint that names no role
/// needs admin; the health endpoints are open. A process that would listen beyond loopback with no
/// keys refuses to start unless <see cref="SecurityOptions.AllowAnonymous"/> says otherwise.
/// </summary>
public static class ApiSecurity
{
    public static IServiceCollection AddApiSecurity(this IServiceCollection services, IConfiguration configuration, ApiEndpointSettings endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var section = configuration.GetSection(SecurityOptions.Section);
        var security = section.Get<SecurityOptions>() ?? new SecurityOptions();
        if (endpoints.BeyondLoopback && string.IsNullOrWhiteSpace(security.ApiKeysFile) && !security.AllowAnonymous)
        {
            throw new StartupRefusedException(
                $"refusing to listen on '{endpoints.HttpHost}' (beyond loopback) without API keys: anyone who can reach the port could " +
                "upload prices and replace reference data. Mint a key with 'priceingest keys new --name NAME --role admin', put the " +
                "line it prints in a file and pass --api-keys FILE (or Security__ApiKeysFile); or set Security__AllowAnonymous=true " +
                "if a proxy in front authenticates callers.");
        }

        services.AddOptions<SecurityOptions>().Bind(section);
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization(authorization =>
        {
            authorization.AddPolicy(ApiPolicies.Read, p => p.AddRequirements(new RoleRequirement(ApiRole.Read)));
            authorization.AddPolicy(ApiPolicies.Ingest, p => p.AddRequirements(new RoleRequirement(ApiRole.Ingest)));
            authorization.AddPolicy(ApiPolicies.Admin, p => p.AddRequirements(new RoleRequirement(ApiRole.Admin)));

            // Anything mapped without a policy of its own (a new endpoint, an unknown path) needs admin.
            authorization.FallbackPolicy = authorization.GetPolicy(ApiPolicies.Admin);
        });
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuthorizationAnswers>();
        return services;
    }

    /// <summary>After routing: who calls, then whether they may.</summary>
    public static IApplicationBuilder UseApiSecurity(this IApplicationBuilder app)
    {
        // Read the keys file now: a broken one stops the start, not the first request.
        app.ApplicationServices.GetRequiredService<ApiKeyStore>();
        app.UseAuthentication();
        return app.UseAuthorization();
    }
}
