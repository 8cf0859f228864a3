using System.Buffers;

namespace PriceIngest.Grpc.Core;

/// <summary>
/// Turns messages into bytes and back. Serialization writes into a span of exactly the computed
/// size, and deserialization reads a (possibly multi-segment) buffer, so neither copies a message.
/// </summary>
public sealed class Marshaller<T>(
    Func<T, int> calculateSize,
    MessageSerializer<T> serialize,
    Func<ReadOnlySequence<byte>, T> deserialize)
{
    public int CalculateSize(T message) => calculateSize(message);

    public void Serialize(T message, Span<byte> destination) => serialize(message, destination);

    public T Deserialize(ReadOnlySequence<byte> payload) => deserialize(payload);
}
