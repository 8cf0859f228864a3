using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Framing;

/// <summary>
/// Reads Length-Prefixed-Messages from a pipe as they arrive. Only the current message is held in
/// memory, and a length prefix over the limit fails before its payload is waited for, so neither a
/// long stream nor a lying prefix can make a reader buffer without bound. Every malformed input ends
/// in an <see cref="RpcException"/> with the status gRPC prescribes.
/// </summary>
internal sealed class MessageReader<T>(
    PipeReader reader,
    Marshaller<T> marshaller,
    int? maxMessageSize,
    string? encoding,
    ICompressionProvider? decompressor)
{
    public T Current { get; private set; } = default!;

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (TryReadMessage(ref buffer, out var message))
            {
                Current = message;
                reader.AdvanceTo(buffer.Start);
                return true;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var leftover = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (leftover > 0)
                {
                    throw new RpcException(StatusCode.Internal, $"Incomplete message: the stream ended {leftover} bytes into a message.");
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("The read was cancelled.");
                }

                return false;
            }

            // Nothing consumed, everything examined: the next ReadAsync waits for more bytes.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool TryReadMessage(ref ReadOnlySequence<byte> buffer, out T message)
    {
        message = default!;
        if (buffer.Length < MessageFrame.HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[MessageFrame.HeaderSize];
        buffer.Slice(0, MessageFrame.HeaderSize).CopyTo(header);
        var flag = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (flag > MessageFrame.Compressed)
        {
            throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {flag} in a message header.");
        }

        if (flag == MessageFrame.Compressed && encoding is null)
        {
            throw new RpcException(StatusCode.Internal, "A compressed message arrived without a grpc-encoding header.");
        }

        if (length > (uint)(maxMessageSize ?? int.MaxValue))
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize ?? int.MaxValue})");
        }

        if (buffer.Length < MessageFrame.HeaderSize + length)
        {
            return false;
        }

        var payload = buffer.Slice(MessageFrame.HeaderSize, length);
        message = flag == MessageFrame.Compressed ? DeserializeCompressed(payload) : Deserialize(payload);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    private T DeserializeCompressed(ReadOnlySequence<byte> payload)
    {
        if (decompressor is null)
        {
            throw new RpcException(StatusCode.Internal, $"A message is compressed with '{encoding}', which this side does not support.");
        }

        // The limit applies to the decompressed size too: a small gzip bomb must not expand in memory.
        var limit = maxMessageSize ?? int.MaxValue;
        var rented = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(payload.Length * 4, 256), limit + 1L));
        try
        {
            var length = 0;
            using (var source = new ReadOnlySequenceStream(payload))
            using (var decompressing = decompressor.CreateDecompressionStream(source))
            {
                while (true)
                {
                    if (length == rented.Length)
                    {
                        if (length > limit)
                        {
                            break;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(rented.Length * 2L, limit + 1L));
                        rented.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(rented);
                        rented = larger;
                    }

                    var read = decompressing.Read(rented, length, rented.Length - length);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }
            }

            if (length > limit)
            {
                throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max (over {limit} bytes once decompressed)");
            }

            return Deserialize(new ReadOnlySequence<byte>(rented, 0, length));
        }
        catch (InvalidDataException)
        {
            throw new RpcException(StatusCode.Internal, $"A message could not be decompressed with '{encoding}'.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private T Deserialize(ReadOnlySequence<byte> payload)
    {
        try
        {
            return marshaller.Deserialize(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(StatusCode.Internal, $"A message could not be deserialized as {typeof(T).Name}.");
        }
    }
}
