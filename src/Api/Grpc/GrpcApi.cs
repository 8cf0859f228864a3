using Grpc.AspNetCore.Server;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PriceIngest.Api.Security;
using PriceIngest.Contracts.V1;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// The public gRPC contract (protos/priceingest/v1) on Grpc.AspNetCore: IngestService, PriceService,
/// the standard health service and server reflection. Same semantics and limits as the REST API.
/// </summary>
public static class GrpcApi
{
    /// <summary>The names the health service answers for: the server as a whole and each public service.</summary>
    public static IReadOnlyList<string> HealthServiceNames { get; } = ["", IngestService.Descriptor.FullName, PriceService.Descriptor.FullName];

    public static IServiceCollection AddPriceIngestGrpc(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GrpcApiOptions>().Bind(configuration.GetSection(GrpcApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddGrpc();
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<GrpcApiOptions>>((grpc, api) =>
        {
            grpc.MaxReceiveMessageSize = api.Value.MaxReceiveMessageBytes;
            grpc.MaxSendMessageSize = api.Value.MaxSendMessageBytes;
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<CallOutcomeInterceptor>();
        });
        services.AddGrpcReflection();

        // Registered, Grpc.AspNetCore resolves these per call instead of constructing them by reflection.
        services.AddSingleton<IngestGrpcService>();
        services.AddSingleton<PriceGrpcService>();
        services.AddSingleton<CallOutcomeInterceptor>();

        // Health from the ASP.NET health checks tagged "ready" (as GET /health/ready), published in
        // the background every HealthPollInterval, so that Check never waits on the database and
        // Watch hears of each change.
        // NOT_SERVING (not NOT_FOUND) until the first report. Set as the service is created, before
        // the publisher can run: set later (by a hosted service) it could overwrite a first SERVING.
        services.AddSingleton(_ =>
        {
            var health = new HealthServiceImpl();
            foreach (var name in HealthServiceNames)
            {
                health.SetStatus(name, HealthCheckResponse.Types.ServingStatus.NotServing);
            }

            return health;
        });
        services.AddGrpcHealthChecks(health =>
        {
            health.UseHealthChecksCache = true;
            health.Services.Clear();
            foreach (var name in HealthServiceNames)
            {
                health.Services.Map(name, check => check.Tags.Contains("ready"));
            }
        }).AddCheck<StoppingHealthCheck>("running", tags: ["ready"]);
        services.AddOptions<HealthCheckPublisherOptions>().Configure<IOptions<GrpcApiOptions>>((publisher, api) =>
        {
            publisher.Delay = TimeSpan.Zero;
            publisher.Period = api.Value.HealthPollInterval;
            publisher.Predicate = check => check.Tags.Contains("ready");
        });
        services.AddHostedService<GrpcHealthStatuses>();
        return services;
    }

    /// <summary>Maps the services as one group (so the host can add conventions, e.g. restrict them to the gRPC listener).</summary>
    public static RouteGroupBuilder MapPriceIngestGrpc(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(string.Empty);
        group.MapGrpcService<IngestGrpcService>();
        group.MapGrpcService<PriceGrpcService>();
        group.MapGrpcHealthChecksService().AllowAnonymous();
        group.MapGrpcReflectionService().RequireAuthorization(ApiPolicies.Read);
        return group;
    }
}
