using Microsoft.Extensions.Logging;
using Grpc.Core;

namespace PriceIngest.Api.Grpc;

/// <summary>Log events of the public gRPC API, EventIds 3100-3199.</summary>
internal static partial class GrpcApiLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "gRPC health: now {Status}")]
    public static partial void ReadinessChanged(ILogger logger, string status);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "gRPC upload of batch {BatchId} refused with {StatusCode}: {Detail}")]
    public static partial void UploadRefused(ILogger logger, string batchId, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "gRPC upload of batch {BatchId} ended by the client (cancelled or deadline); nothing was written")]
    public static partial void UploadCancelled(ILogger logger, string batchId);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "gRPC upload of batch {BatchId} ended {State} with {Items} items")]
    public static partial void UploadFinished(ILogger logger, string batchId, Grains.Batches.BatchState state, long items);

    // One line, no stack trace: the client going away is not a failure of the server.
    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "gRPC call {Method} ended by the client (it cancelled, reset the stream or passed its deadline): {Reason}")]
    public static partial void ClientWentAway(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "gRPC call {Method} failed unexpectedly; answered INTERNAL")]
    public static partial void UnexpectedFailure(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "gRPC call {Method} sent a request message that could not be read: {Reason}")]
    public static partial void UnreadableRequest(ILogger logger, string method, string reason);
}
