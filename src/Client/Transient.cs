using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;

namespace PriceIngest.Client;

/// <summary>Which failures are worth another attempt with the same batch id.</summary>
public static class Transient
{
    /// <summary>
    /// UNAVAILABLE (server down, draining, database unreachable, connection refused or reset: the
    /// server wrote nothing) and raw transport errors. Never INVALID_ARGUMENT, NOT_FOUND,
    /// ALREADY_EXISTS, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, CANCELLED or INTERNAL.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode == StatusCode.Unavailable,
        HttpRequestException or SocketException or IOException => true,
        _ => false,
    };
}
