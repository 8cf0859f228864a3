using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Server;

/// <summary>The response stream of a call: each message is flushed, so the client gets it now.</summary>
internal sealed class ServerStreamWriter<T>(HttpServerCallContext call, Marshaller<T> marshaller) : IServerStreamWriter<T>
{
    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteMessageAsync(message, marshaller, flush: true, cancellationToken);
    }
}
