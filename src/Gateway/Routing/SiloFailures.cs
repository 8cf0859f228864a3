using System.Globalization;
using System.Text.RegularExpressions;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;
using Grpc.Core;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// What a silo's gRPC status means to the gateway: try another silo, or a domain failure to
/// answer the client with (the same exception a local silo would have thrown, so the public
/// APIs answer with the same status and message).
/// </summary>
internal static partial class SiloFailures
{
    /// <summary>The silo is gone, stopping, unreachable, or could not answer in time: another silo may.</summary>
    public static bool MayRetryElsewhere(Exception exception) => exception is RpcException
    {
        StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Internal or StatusCode.Unknown,
    } or HttpRequestException or IOException;

    /// <summary>
    /// The silo itself answered UNAVAILABLE (draining, or a commit not visible yet): it is alive, so
    /// it is not suspected. A transport failure is reported by the client as UNAVAILABLE too, but
    /// with the local exception that caused it attached.
    /// </summary>
    public static bool AnsweredUnavailable(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Unavailable, Status.DebugException: null };

    public static Exception ToDomain(RpcException e, string? batchId = null) => e.StatusCode switch
    {
        StatusCode.AlreadyExists when batchId is not null => new BatchInProgressException(batchId),
        StatusCode.ResourceExhausted when batchId is not null && Limit().Match(e.Status.Detail) is { Success: true } m =>
            new BatchTooLargeException(batchId, long.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)),
        StatusCode.Aborted when batchId is not null => new UploadExpiredException(batchId),
        StatusCode.InvalidArgument => new InvalidQueryException(Field(e.Status.Detail), e.Status.Detail),
        _ => new ServiceUnavailableException(e.Status.Detail, e),
    };

    private static string Field(string message) => message.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? message[..colon] : "request";

    [GeneratedRegex(@"has more than (\d+) items")]
    private static partial Regex Limit();
}
