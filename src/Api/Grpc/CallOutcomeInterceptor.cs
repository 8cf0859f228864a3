using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// How a handler's failure leaves the server. A call whose client went away (cancelled, reset the
/// stream, or its deadline passed) is logged as that, in one line without a stack trace, and ends
/// CANCELLED (a passed deadline reaches the client as DEADLINE_EXCEEDED: Grpc.AspNetCore answers
/// that itself). A streamed request message that cannot be read (bad protobuf, a bad frame, corrupt
/// compression) is the client's fault: INTERNAL naming the reason, logged in one line. Any other
/// exception that is not an <see cref="RpcException"/> is logged with its stack trace and answered
/// INTERNAL with a generic message (the contract's status for an unexpected failure;
/// Grpc.AspNetCore alone would answer UNKNOWN). A unary request that cannot be read never reaches
/// an interceptor: Grpc.AspNetCore answers it UNKNOWN.
/// </summary>
internal sealed class CallOutcomeInterceptor(ILogger<CallOutcomeInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(e, context) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } rpc)
        {
            throw rpc;
        }
    }

    /// <summary>The status to answer instead of <paramref name="exception"/>, or null to let it through.</summary>
    private RpcException? Translate(Exception exception, ServerCallContext context)
    {
        if (exception is RpcException)
        {
            return null;
        }

        if (context.CancellationToken.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            GrpcApiLog.ClientWentAway(logger, context.Method, exception.Message);
            return new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled: the client went away or its deadline passed"));
        }

        // An IOException without a cancellation comes from reading the request stream: a frame
        // Grpc.AspNetCore cannot take (a length beyond 2 GiB, a cut frame), the client's fault too.
        if (exception is InvalidProtocolBufferException or InvalidDataException or IOException)
        {
            GrpcApiLog.UnreadableRequest(logger, context.Method, exception.Message);
            return new RpcException(new Status(StatusCode.Internal, $"a request message could not be read: {exception.Message}"));
        }

        GrpcApiLog.UnexpectedFailure(logger, context.Method, exception);
        return new RpcException(new Status(StatusCode.Internal, "an unexpected error occurred on the server; it was logged"));
    }
}
