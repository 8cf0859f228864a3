using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Server;

internal sealed class ClientStreamingCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    Func<TService, ClientStreamingServerMethod<TRequest, TResponse>> handler,
    GrpcServerOptions options,
    CompressionProviders providers,
    ILogger logger)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options, providers, logger)
    where TService : class
{
    protected override async Task RunAsync(TService service, HttpServerCallContext call)
    {
        var requests = new ServerStreamReader<TRequest>(call, MethodDefinition.RequestMarshaller);
        var response = await handler(service)(requests, call)
            ?? throw new InvalidOperationException($"Handler of {MethodDefinition.FullName} returned no response message.");
        await call.WriteMessageAsync(response, MethodDefinition.ResponseMarshaller, flush: false, call.CancellationToken);
    }
}
