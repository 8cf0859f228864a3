using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Server;

/// <summary>
/// The request delegate of one method: checks that the request is gRPC, builds the call, runs the
/// typed handler on a service instance from DI, and always ends the call with one status.
/// </summary>
internal abstract class ServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, GrpcServerOptions options, CompressionProviders providers, ILogger logger)
    where TService : class
{
    protected Method<TRequest, TResponse> MethodDefinition => method;

    public async Task HandleAsync(HttpContext http)
    {
        if (!await ProtocolChecks.AcceptAsync(http, logger))
        {
            return;
        }

        // gRPC paths are case-sensitive, ASP.NET Core routing is not: "/pkg.svc/method" is another method.
        if (!string.Equals(http.Request.Path.Value, method.FullName, StringComparison.Ordinal))
        {
            await new UnimplementedCallHandler(providers, logger).HandleAsync(http);
            return;
        }

        ProtocolChecks.LiftBodyLimits(http);
        var call = HttpServerCallContext.TryCreate(http, method.FullName, options, providers, logger, out var refusal);
        if (call is null)
        {
            ProtocolChecks.WriteTrailersOnly(http, refusal, providers);
            return;
        }

        using (call)
        {
            Status status;
            try
            {
                var service = ActivatorUtilities.GetServiceOrCreateInstance<TService>(http.RequestServices);
                await RunAsync(service, call);
                status = call.Status;
            }
            catch (Exception e)
            {
                status = call.StatusFromException(e);
            }

            await call.CompleteAsync(status);
        }
    }

    protected abstract Task RunAsync(TService service, HttpServerCallContext call);
}
