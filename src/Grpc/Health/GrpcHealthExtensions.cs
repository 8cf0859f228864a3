using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PriceIngest.Grpc.Server;

namespace PriceIngest.Grpc.Health;

public static class GrpcHealthExtensions
{
    /// <summary>
    /// Registers the health service. Its statuses come from the registered IHealthStatusSource,
    /// by default a <see cref="HealthStatusRegistry"/> (resolve it to set statuses).
    /// </summary>
    public static IServiceCollection AddGrpcHealth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<HealthStatusRegistry>();
        services.TryAddSingleton<IHealthStatusSource>(sp => sp.GetRequiredService<HealthStatusRegistry>());
        services.TryAddSingleton<HealthService>();
        return services;
    }

    public static IEndpointConventionBuilder MapGrpcHealthService(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<HealthService>(binder => binder
            .Unary(HealthMethods.Check, service => service.Check)
            .ServerStreaming(HealthMethods.Watch, service => service.Watch));
}
