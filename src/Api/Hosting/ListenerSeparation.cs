using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PriceIngest.Api.Hosting;

/// <summary>
/// Keeps the two APIs on their own ports: gRPC methods answer only on the gRPC listener, REST
/// routes only on the REST listener; anything else is 404 as if the route did not exist.
/// Runs after routing, before the endpoint.
/// </summary>
public static class ListenerSeparation
{
    /// <summary>Endpoint metadata of the gRPC group.</summary>
    public sealed class GrpcEndpoint;

    public static IApplicationBuilder UseListenerSeparation(this IApplicationBuilder app, ApiListeners listeners) =>
        app.Use((context, next) =>
        {
            if (context.GetEndpoint() is { } endpoint
                && (endpoint.Metadata.GetMetadata<GrpcEndpoint>() is not null) != (context.Connection.LocalPort == listeners.GrpcPort))
            {
                context.SetEndpoint(null);
                context.Request.RouteValues.Clear();
            }

            return next(context);
        });
}
