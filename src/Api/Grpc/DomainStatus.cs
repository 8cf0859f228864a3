using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// Domain failures as gRPC statuses, as documented in protos/priceingest/v1. A rejected batch is
/// not a failure (an OK reply with status REJECTED), and anything not listed here stays an
/// unexpected exception, which the wire layer answers with INTERNAL and no details.
/// </summary>
public static class DomainStatus
{
    public static RpcException? From(Exception exception) => exception switch
    {
        BatchInProgressException e => Rpc(StatusCode.AlreadyExists, e.Message, e),
        BatchTooLargeException e => Rpc(StatusCode.ResourceExhausted, $"{e.Message}; nothing was written", e),
        UploadExpiredException e => Rpc(StatusCode.Aborted, e.Message, e),
        ServiceUnavailableException e => Rpc(StatusCode.Unavailable, e.Message, e),
        CommitNotVisibleException e => Rpc(StatusCode.Unavailable, e.Message, e),
        InvalidQueryException e => Rpc(StatusCode.InvalidArgument, Naming(e.Parameter, e.Message), e),
        UnknownPlaceException e => Rpc(StatusCode.NotFound, e.Message, e),
        _ => null,
    };

    public static RpcException InvalidArgument(string field, string message) =>
        new(StatusCode.InvalidArgument, Naming(field, message));

    /// <summary>Every INVALID_ARGUMENT message starts with the field it is about.</summary>
    private static string Naming(string field, string message) =>
        message.StartsWith(field, StringComparison.Ordinal) ? message : $"{field}: {message}";

    private static RpcException Rpc(StatusCode code, string message, Exception inner) =>
        new(new Status(code, message), new Metadata(), inner);
}
