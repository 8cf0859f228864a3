using System.Buffers;
using Grpc.Core;

namespace PriceIngest.Contracts.V1;

/// <summary>
/// One request message as its serialized bytes, copied into an array rented from the shared pool:
/// a server that decodes a large message itself (see <see cref="IngestService.IngestServiceBase.UploadBatch(IAsyncStreamReader{RawMessage}, ServerCallContext)"/>)
/// reads it without an object per field. Whoever reads it returns the array (<see cref="Dispose"/>).
/// </summary>
public sealed class RawMessage : IDisposable
{
    private byte[]? _buffer;

    private RawMessage(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    /// <summary>Deserializes request bytes into a <see cref="RawMessage"/>; it never serializes (servers only read requests).</summary>
    public static Marshaller<RawMessage> Marshaller { get; } = new(
        (_, _) => throw new NotSupportedException("a raw message is only ever read"),
        context => From(context.PayloadAsReadOnlySequence()));

    public int Length { get; }

    /// <summary>The message's bytes; invalid once disposed.</summary>
    public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(RawMessage))).AsSpan(0, Length);

    /// <summary>The array behind <see cref="Span"/>, for decoders that keep an index into it; invalid once disposed.</summary>
    public byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(RawMessage));

    public static RawMessage From(ReadOnlySequence<byte> payload)
    {
        // The payload is the transport's buffer, reused once deserialization returns: copy it out.
        var buffer = ArrayPool<byte>.Shared.Rent(checked((int)payload.Length));
        payload.CopyTo(buffer);
        return new RawMessage(buffer, (int)payload.Length);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
