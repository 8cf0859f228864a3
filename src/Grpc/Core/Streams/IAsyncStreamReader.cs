namespace PriceIngest.Grpc.Core;

/// <summary>
/// Reads a message stream one message at a time, as the messages arrive (never the whole stream
/// at once), so a stream of any length is read in constant memory.
/// </summary>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last <see cref="MoveNext"/> that returned true.</summary>
    T Current { get; }

    /// <summary>Reads the next message; false at the end of the stream.</summary>
    Task<bool> MoveNext(CancellationToken cancellationToken);
}
