using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Server;

internal sealed class UnaryCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    Func<TService, UnaryServerMethod<TRequest, TResponse>> handler,
    GrpcServerOptions options,
    CompressionProviders providers,
    ILogger logger)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options, providers, logger)
    where TService : class
{
    protected override async Task RunAsync(TService service, HttpServerCallContext call)
    {
        var request = await new ServerStreamReader<TRequest>(call, MethodDefinition.RequestMarshaller).ReadSingleAsync();
        var response = await handler(service)(request, call)
            ?? throw new InvalidOperationException($"Handler of {MethodDefinition.FullName} returned no response message.");

        // No flush: the trailers follow at once, and Kestrel sends headers, message and trailers together.
        await call.WriteMessageAsync(response, MethodDefinition.ResponseMarshaller, flush: false, call.CancellationToken);
    }
}
