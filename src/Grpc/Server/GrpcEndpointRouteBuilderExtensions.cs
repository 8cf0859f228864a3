using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PriceIngest.Grpc.Server;

public static class GrpcEndpointRouteBuilderExtensions
{
    private const string LoggerCategory = "PriceIngest.Grpc.Server";

    /// <summary>
    /// Maps a service's methods as POST endpoints at "/package.Service/Method", plus UNIMPLEMENTED
    /// answers for unknown methods of that service and for unknown services.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(
        this IEndpointRouteBuilder endpoints, Action<GrpcServiceBinder<TService>> bind)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(bind);
        var marker = endpoints.ServiceProvider.GetService<GrpcServerMarker>()
            ?? throw new InvalidOperationException("Call services.AddGrpcServer() before mapping gRPC services.");
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
        var binder = new GrpcServiceBinder<TService>(marker.Options, marker.Providers, logger);
        bind(binder);

        var builders = new List<IEndpointConventionBuilder>();
        foreach (var (path, _, handler) in binder.Methods)
        {
            builders.Add(endpoints.MapPost(path, handler).WithDisplayName("gRPC " + path));
        }

        var unimplemented = new UnimplementedCallHandler(marker.Providers, logger);
        foreach (var serviceName in binder.Methods.Select(m => m.ServiceName).Distinct())
        {
            builders.Add(MapUnimplemented(endpoints, "/" + serviceName + "/{unimplementedMethod}", "unimplementedMethod", unimplemented));
        }

        if (!marker.UnknownServiceRouteMapped)
        {
            marker.UnknownServiceRouteMapped = true;
            MapUnimplemented(endpoints, "/{unimplementedService}/{unimplementedMethod}", "unimplementedMethod", unimplemented);
        }

        return new CompositeEndpointConventionBuilder(builders);
    }

    private static IEndpointConventionBuilder MapUnimplemented(
        IEndpointRouteBuilder endpoints, string pattern, string constrainedParameter, UnimplementedCallHandler handler)
    {
        var routePattern = RoutePatternFactory.Parse(
            pattern, defaults: null, parameterPolicies: new RouteValueDictionary { [constrainedParameter] = new GrpcContentTypeConstraint() });
        return endpoints.Map(routePattern, handler.HandleAsync).WithDisplayName("gRPC unimplemented " + pattern);
    }
}
