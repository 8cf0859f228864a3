namespace PriceIngest.Grpc.Core;

/// <summary>Writes a message stream; one write at a time, each awaited before the next.</summary>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Sends one message; completes once the transport took it (flow control applies).</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
