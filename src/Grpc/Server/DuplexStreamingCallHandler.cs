using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Server;

internal sealed class DuplexStreamingCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    Func<TService, DuplexStreamingServerMethod<TRequest, TResponse>> handler,
    GrpcServerOptions options,
    CompressionProviders providers,
    ILogger logger)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options, providers, logger)
    where TService : class
{
    protected override Task RunAsync(TService service, HttpServerCallContext call) =>
        handler(service)(
            new ServerStreamReader<TRequest>(call, MethodDefinition.RequestMarshaller),
            new ServerStreamWriter<TResponse>(call, MethodDefinition.ResponseMarshaller),
            call);
}
