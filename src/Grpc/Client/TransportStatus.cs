using System.Net.Http;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Client;

/// <summary>The status of a call that failed in the transport rather than with a grpc-status.</summary>
internal static class TransportStatus
{
    public static Status From(Exception exception)
    {
        // SendAsync wraps a stream reset in HttpRequestException; the reset code is what tells.
        if (exception is HttpRequestException { InnerException: HttpProtocolException inner })
        {
            exception = inner;
        }

        switch (exception)
        {
            case HttpProtocolException protocol:
                // RST_STREAM / GOAWAY codes, mapped as PROTOCOL-HTTP2.md prescribes.
                return protocol.ErrorCode switch
                {
                    0x7 => new Status(StatusCode.Unavailable, $"The server refused the stream: {protocol.Message}"),
                    0x8 => new Status(StatusCode.Cancelled, $"The server cancelled the stream: {protocol.Message}"),
                    0xB => new Status(StatusCode.ResourceExhausted, $"The server asked to slow down: {protocol.Message}"),
                    0xC => new Status(StatusCode.PermissionDenied, $"The connection is not secure enough: {protocol.Message}"),
                    _ => new Status(StatusCode.Internal, $"HTTP/2 error {protocol.ErrorCode}: {protocol.Message}"),
                };
            case HttpRequestException or IOException:
                return new Status(StatusCode.Unavailable, $"Error talking to the server: {exception.Message}");
            case OperationCanceledException:
                return new Status(StatusCode.Cancelled, "The call was cancelled.");
            default:
                return new Status(StatusCode.Internal, $"Error in the gRPC client: {exception.GetType().Name}: {exception.Message}");
        }
    }
}
