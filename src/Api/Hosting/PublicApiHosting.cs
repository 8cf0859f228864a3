using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using PriceIngest.Api.Grpc;
using PriceIngest.Api.Limits;
using PriceIngest.Api.Rest;
using PriceIngest.Api.Security;
using PriceIngest.Api.Telemetry;

namespace PriceIngest.Api.Hosting;

/// <summary>
/// The public surface a silo and a gateway share, so clients cannot tell them apart: REST on one
/// port, gRPC on the other, health (live, ready), and OpenTelemetry's Prometheus metrics on the REST port.
/// </summary>
public static class PublicApiHosting
{
    public static IServiceCollection AddPublicApi(this IServiceCollection services, IConfiguration configuration, ApiListeners listeners, ApiEndpointSettings endpoints)
    {
        services.AddSingleton(listeners);
        services.AddApiSecurity(configuration, endpoints);
        services.AddCallerLimits(configuration);
        services.AddPriceIngestRest(configuration);
        services.AddPriceIngestGrpc(configuration);
        services.AddPriceIngestTelemetry(configuration);
        return services;
    }

    /// <summary>Maps everything; returns the gRPC group so the host can add its own gRPC services to it.</summary>
    public static RouteGroupBuilder MapPublicApi(this WebApplication app, ApiListeners listeners)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseListenerSeparation(listeners);
        app.UseApiSecurity();
        app.UseCallerLimits();
        app.UseRequestEncodings();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous().DisableRateLimiting();
        app.MapPriceIngestMetrics();
        app.MapPriceIngestRest();
        var grpc = app.MapPriceIngestGrpc();
        grpc.WithMetadata(new ListenerSeparation.GrpcEndpoint());
        return grpc;
    }
}
