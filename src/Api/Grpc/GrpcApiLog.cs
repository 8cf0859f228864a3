using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Api.Grpc;

/// <summary>Log events of the public gRPC API, EventIds 3100-3199.</summary>
internal static partial class GrpcApiLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "gRPC health: the silo is now {Status}")]
    public static partial void ReadinessChanged(ILogger logger, string status);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "gRPC health: the readiness check failed; reporting NOT_SERVING")]
    public static partial void ReadinessCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "gRPC upload of batch {BatchId} refused with {StatusCode}: {Detail}")]
    public static partial void UploadRefused(ILogger logger, string batchId, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "gRPC upload of batch {BatchId} ended by the client (cancelled or deadline); nothing was written")]
    public static partial void UploadCancelled(ILogger logger, string batchId);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "gRPC upload of batch {BatchId} ended {State} with {Items} items")]
    public static partial void UploadFinished(ILogger logger, string batchId, Grains.Batches.BatchState state, long items);
}
