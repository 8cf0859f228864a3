using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;

namespace PriceIngest.Client;

/// <summary>Which failures are worth another attempt with the same batch id.</summary>
public static class Transient
{
    /// <summary>
    /// UNAVAILABLE (server down, draining, database unreachable, all upload slots taken, connection
    /// refused or reset: the server wrote nothing), RESOURCE_EXHAUSTED that carries a <c>retry-after</c>
    /// (a per-key limit, not an oversized batch) and raw transport errors. Never INVALID_ARGUMENT,
    /// NOT_FOUND, ALREADY_EXISTS, other RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, CANCELLED or INTERNAL.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode == StatusCode.Unavailable || (rpc.StatusCode == StatusCode.ResourceExhausted && RetryAfter(rpc) is not null),
        HttpRequestException or SocketException or IOException => true,
        _ => false,
    };

    /// <summary>How long the server asked the caller to wait (its <c>retry-after</c> entry, seconds), if it did.</summary>
    public static TimeSpan? RetryAfter(Exception exception) =>
        exception is RpcException rpc
        && int.TryParse(rpc.Trailers.GetValue("retry-after"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
