using Microsoft.Extensions.Logging;

namespace PriceIngest.Grpc.Server;

/// <summary>Server log events, EventIds 3000-3039.</summary>
internal static partial class GrpcServerLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Error,
        Message = "gRPC handler {Method} threw an unexpected exception; the client gets INTERNAL without its text")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "gRPC call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallEnded(ILogger logger, string method, Core.StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "gRPC call {Method} exceeded its deadline")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "gRPC call {Method} was cancelled by the client")]
    public static partial void CancelledByClient(ILogger logger, string method);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "gRPC call {Method}: the client took no response data for {WriteTimeout}; the stream was reset")]
    public static partial void WriteTimedOut(ILogger logger, string method, TimeSpan writeTimeout);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Refused {Path}: content-type '{ContentType}' is not gRPC")]
    public static partial void UnsupportedContentType(ILogger logger, string? path, string? contentType);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Refused {Path}: protocol {Protocol} is not HTTP/2")]
    public static partial void UnsupportedProtocol(ILogger logger, string? path, string protocol);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "gRPC call to unimplemented method {Path}")]
    public static partial void Unimplemented(ILogger logger, string? path);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Ending gRPC call {Method} after its deadline failed")]
    public static partial void DeadlineCompletionFailed(ILogger logger, string method, Exception exception);
}
