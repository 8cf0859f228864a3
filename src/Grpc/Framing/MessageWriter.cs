using System.Buffers;
using System.Buffers.Binary;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Framing;

/// <summary>Writes one Length-Prefixed-Message into a buffer writer (a pipe, usually).</summary>
internal static class MessageWriter
{
    /// <returns>The number of bytes written, header included.</returns>
    public static int Write<T>(IBufferWriter<byte> output, T message, Marshaller<T> marshaller, ICompressionProvider? compression, int? maxMessageSize)
    {
        var size = marshaller.CalculateSize(message);
        if (size > maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Sending message larger than max ({size} vs. {maxMessageSize})");
        }

        if (compression is null)
        {
            // The common path: serialize straight into the pipe's memory, no copy.
            var span = output.GetSpan(MessageFrame.HeaderSize + size);
            span[0] = MessageFrame.Uncompressed;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)size);
            marshaller.Serialize(message, span.Slice(MessageFrame.HeaderSize, size));
            output.Advance(MessageFrame.HeaderSize + size);
            return MessageFrame.HeaderSize + size;
        }

        var plain = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            marshaller.Serialize(message, plain.AsSpan(0, size));
            using var compressed = new MemoryStream();
            using (var compressor = compression.CreateCompressionStream(compressed))
            {
                compressor.Write(plain, 0, size);
            }

            var length = (int)compressed.Length;
            var span = output.GetSpan(MessageFrame.HeaderSize + length);
            span[0] = MessageFrame.Compressed;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            compressed.GetBuffer().AsSpan(0, length).CopyTo(span[MessageFrame.HeaderSize..]);
            output.Advance(MessageFrame.HeaderSize + length);
            return MessageFrame.HeaderSize + length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain);
        }
    }
}
