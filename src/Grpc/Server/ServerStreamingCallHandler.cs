using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Server;

internal sealed class ServerStreamingCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    Func<TService, ServerStreamingServerMethod<TRequest, TResponse>> handler,
    GrpcServerOptions options,
    CompressionProviders providers,
    ILogger logger)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options, providers, logger)
    where TService : class
{
    protected override async Task RunAsync(TService service, HttpServerCallContext call)
    {
        var request = await new ServerStreamReader<TRequest>(call, MethodDefinition.RequestMarshaller).ReadSingleAsync();
        await handler(service)(request, new ServerStreamWriter<TResponse>(call, MethodDefinition.ResponseMarshaller), call);
    }
}
