using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PriceIngest.Contracts;
using PriceIngest.Grpc.Health;
using PriceIngest.Grpc.Server;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// The public gRPC contract (protos/priceingest/v1): IngestService, PriceService and the standard
/// health service, on our wire layer (src/Grpc). Same semantics and limits as the REST API.
/// </summary>
public static class GrpcApi
{
    public static IServiceCollection AddPriceIngestGrpc(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GrpcApiOptions>().Bind(configuration.GetSection(GrpcApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddGrpcServer();
        services.AddOptions<GrpcServerOptions>().Configure<IOptions<GrpcApiOptions>>(
            (server, api) => server.MaxReceiveMessageSize = api.Value.MaxReceiveMessageBytes);
        services.AddSingleton<IngestGrpcService>();
        services.AddSingleton<PriceGrpcService>();
        services.AddHealthChecks();
        services.AddSingleton<ReadinessHealthSource>();
        services.AddSingleton<IHealthStatusSource>(sp => sp.GetRequiredService<ReadinessHealthSource>());
        services.AddHostedService(sp => sp.GetRequiredService<ReadinessHealthSource>());
        services.AddGrpcHealth();
        return services;
    }

    /// <summary>Maps the services as one group (so the host can add conventions, e.g. restrict them to the gRPC listener).</summary>
    public static RouteGroupBuilder MapPriceIngestGrpc(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(string.Empty);
        group.MapGrpcService<IngestGrpcService>(binder => binder
            .ClientStreaming(UploadPart.UploadBatch, service => service.UploadBatch)
            .Unary(IngestMethods.SubmitBatch, service => service.SubmitBatch)
            .Unary(IngestMethods.GetBatch, service => service.GetBatch));
        group.MapGrpcService<PriceGrpcService>(binder => binder
            .Unary(PriceMethods.GetRates, service => service.GetRates));
        group.MapGrpcHealthService();
        return group;
    }
}
