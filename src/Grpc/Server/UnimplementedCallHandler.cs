using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Server;

/// <summary>Answers a gRPC request for a service or method that is not mapped: UNIMPLEMENTED.</summary>
internal sealed class UnimplementedCallHandler(CompressionProviders providers, ILogger logger)
{
    public Task HandleAsync(HttpContext http)
    {
        GrpcServerLog.Unimplemented(logger, http.Request.Path.Value);
        ProtocolChecks.WriteTrailersOnly(http, new Status(StatusCode.Unimplemented, $"Method not found: {http.Request.Path}"), providers);
        return Task.CompletedTask;
    }
}
