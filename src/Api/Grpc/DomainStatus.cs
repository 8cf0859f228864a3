using PriceIngest.Api.Limits;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;
using Grpc.Core;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// Domain failures as gRPC statuses, as documented in protos/priceingest/v1. A rejected batch is
/// not a failure (an OK reply with status REJECTED), and anything not listed here stays an
/// unexpected exception, which <see cref="CallOutcomeInterceptor"/> logs and answers with INTERNAL.
/// </summary>
public static class DomainStatus
{
    public static RpcException? From(Exception exception) => exception switch
    {
        BatchInProgressException e => Rpc(StatusCode.AlreadyExists, e.Message),
        BatchTooLargeException e => Rpc(StatusCode.ResourceExhausted, $"{e.Message}; nothing was written"),
        UploadExpiredException e => Rpc(StatusCode.Aborted, e.Message),
        UploadStalledException e => Rpc(StatusCode.Aborted, e.Message),
        ServiceUnavailableException e => Rpc(StatusCode.Unavailable, e.Message),
        CommitNotVisibleException e => Rpc(StatusCode.Unavailable, e.Message),
        InvalidQueryException e => Rpc(StatusCode.InvalidArgument, Naming(e.Parameter, e.Message)),
        UnknownPlaceException e => Rpc(StatusCode.NotFound, e.Message),
        _ => null,
    };

    public static RpcException InvalidArgument(string field, string message) =>
        Rpc(StatusCode.InvalidArgument, Naming(field, message));

    /// <summary>Every INVALID_ARGUMENT message starts with the field it is about.</summary>
    private static string Naming(string field, string message) =>
        message.StartsWith(field, StringComparison.Ordinal) ? message : $"{field}: {message}";

    // No debug exception: these are expected outcomes, and Grpc.AspNetCore would log its stack trace.
    private static RpcException Rpc(StatusCode code, string message) => new(new Status(code, message));
}
