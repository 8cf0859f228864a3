using System.Buffers;
using Google.Protobuf;
using PriceIngest.Api.Codecs;
using PriceIngest.Contracts;
using PriceIngest.Contracts.V1;
using PriceIngest.Grains.Batches;
using PriceIngest.Grpc.Core;
using ItemError = PriceIngest.Grains.Batches.ItemError;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// One <c>UploadBatchRequest</c> as the server reads it. The items are kept as the raw bytes of
/// their <c>PriceItems</c> message and decoded straight into the batch's chunk: no
/// <c>PriceItem</c> object and no three strings per item, which was most of a gRPC upload's
/// receive time. The bytes are checked to be well-formed protobuf when the message arrives;
/// anything unusual (malformed, a group, a part given twice) goes through the generated parser,
/// so errors and merge rules are exactly protobuf's.
/// </summary>
internal sealed class UploadPart
{
    private const uint HeaderTag = (1 << 3) | 2;
    private const uint ItemsTag = (2 << 3) | 2;
    private const uint ItemTag = (1 << 3) | 2;
    private const uint OriginTag = (1 << 3) | 2;
    private const uint DestinationTag = (2 << 3) | 2;
    private const uint DayTag = (3 << 3) | 2;
    private const uint PriceTag = 4 << 3;

    // The PriceItems body, in an array rented from the shared pool (returned once decoded): a
    // message of 8,192 items is about 250 KB, and allocating two such arrays per message (the
    // payload spans many pipe segments) filled the large object heap, whose collections then ran
    // alongside the commit.
    private byte[]? _items;
    private readonly int _itemsLength;
    private readonly PriceItems? _parsedItems;

    private UploadPart(UploadBatchRequest.PartOneofCase kind, Contracts.V1.BatchHeader? header, byte[]? items, int itemsLength, PriceItems? parsedItems)
    {
        Kind = kind;
        Header = header;
        _items = items;
        _itemsLength = itemsLength;
        _parsedItems = parsedItems;
    }

    public UploadBatchRequest.PartOneofCase Kind { get; }

    public Contracts.V1.BatchHeader? Header { get; }

    /// <summary><c>UploadBatch</c> bound to this reader; the wire contract is unchanged.</summary>
    public static Method<UploadPart, BatchReceipt> UploadBatch { get; } = new(
        MethodType.ClientStreaming, IngestMethods.ServiceName, "UploadBatch",
        new Marshaller<UploadPart>(
            _ => throw new NotSupportedException("a server never sends an upload part"),
            (_, _) => throw new NotSupportedException("a server never sends an upload part"),
            Parse),
        IngestMethods.UploadBatch.ResponseMarshaller);

    /// <summary>Adds this part's items to <paramref name="chunk"/>, handing on each chunk that fills up.</summary>
    public IEnumerable<PriceChunk> AddItems(ChunkBuilder chunk, List<ItemError> errors)
    {
        if (_parsedItems is not null)
        {
            foreach (var full in ProtoItems.AddAll(chunk, _parsedItems.Items, errors))
            {
                yield return full;
            }

            yield break;
        }

        var items = _items ?? throw new InvalidOperationException("the items of an upload part are added once");
        try
        {
            var position = 0;
            while (position < _itemsLength)
            {
                position = AddItem(items, _itemsLength, position, chunk, errors);
                if (chunk.IsFull)
                {
                    yield return chunk.Take()!;
                }
            }
        }
        finally
        {
            // Decoded items hold no reference into the bytes (codes are copied into strings).
            _items = null;
            ArrayPool<byte>.Shared.Return(items);
        }
    }

    public static UploadPart Parse(ReadOnlySequence<byte> payload)
    {
        // The payload's buffer is the reader's, reused after this returns: the items are copied out.
        byte[]? rented = null;
        ReadOnlySpan<byte> bytes;
        if (payload.IsSingleSegment)
        {
            bytes = payload.FirstSpan;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent(checked((int)payload.Length));
            payload.CopyTo(rented);
            bytes = rented.AsSpan(0, (int)payload.Length);
        }

        try
        {
            return Parse(payload, bytes);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Parses <paramref name="bytes"/> (the payload, contiguous); an items part keeps a rented copy of its body.</summary>
    private static UploadPart Parse(ReadOnlySequence<byte> payload, ReadOnlySpan<byte> bytes)
    {
        var (kind, start, length, parts) = (UploadBatchRequest.PartOneofCase.None, 0, 0, 0);
        var position = 0;
        while (position < bytes.Length)
        {
            if (!TryReadVarint(bytes, ref position, out var tag) || tag > uint.MaxValue
                || !TrySkipOrSlice(bytes, ref position, (uint)tag, out var sliceStart, out var sliceLength))
            {
                return Slow(payload);
            }

            if (tag == HeaderTag || tag == ItemsTag)
            {
                (kind, start, length) = (tag == HeaderTag ? UploadBatchRequest.PartOneofCase.Header : UploadBatchRequest.PartOneofCase.Items, sliceStart, sliceLength);
                parts++;
            }
        }

        var body = bytes.Slice(start, length);
        if (parts > 1 || (kind == UploadBatchRequest.PartOneofCase.Items && !IsWellFormedItems(body)))
        {
            return Slow(payload);
        }

        switch (kind)
        {
            case UploadBatchRequest.PartOneofCase.Header:
                return new(kind, Contracts.V1.BatchHeader.Parser.ParseFrom(body), null, 0, null);
            case UploadBatchRequest.PartOneofCase.Items:
                var items = ArrayPool<byte>.Shared.Rent(body.Length);
                body.CopyTo(items);
                return new(kind, null, items, body.Length, null);
            default:
                return new(kind, null, null, 0, null);
        }
    }

    private static UploadPart Slow(ReadOnlySequence<byte> payload)
    {
        var request = UploadBatchRequest.Parser.ParseFrom(payload);
        return new(request.PartCase, request.Header, null, 0, request.Items);
    }

    private static bool IsWellFormedItems(ReadOnlySpan<byte> items)
    {
        var position = 0;
        while (position < items.Length)
        {
            if (!TryReadVarint(items, ref position, out var tag) || tag > uint.MaxValue
                || !TrySkipOrSlice(items, ref position, (uint)tag, out var start, out var length))
            {
                return false;
            }

            if (tag == ItemTag && !IsWellFormedItem(items.Slice(start, length)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWellFormedItem(ReadOnlySpan<byte> item)
    {
        var position = 0;
        while (position < item.Length)
        {
            if (!TryReadVarint(item, ref position, out var tag) || tag > uint.MaxValue || !TrySkipOrSlice(item, ref position, (uint)tag, out _, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes the field at <paramref name="position"/> of a well-formed PriceItems body; returns the next position.</summary>
    private static int AddItem(byte[] items, int itemsLength, int position, ChunkBuilder chunk, List<ItemError> errors)
    {
        var span = items.AsSpan(0, itemsLength);
        TryReadVarint(span, ref position, out var tag);
        TrySkipOrSlice(span, ref position, (uint)tag, out var start, out var length);
        if (tag != ItemTag)
        {
            return position;
        }

        // proto3 defaults: a field not sent is empty (strings) or 0 (price); a repeated field's last value wins.
        ReadOnlySpan<byte> origin = default, destination = default, day = default;
        ulong price = 0;
        var item = span.Slice(start, length);
        var at = 0;
        while (at < item.Length)
        {
            TryReadVarint(item, ref at, out var fieldTag);
            if (fieldTag == PriceTag)
            {
                TryReadVarint(item, ref at, out price);
                continue;
            }

            TrySkipOrSlice(item, ref at, (uint)fieldTag, out var fieldStart, out var fieldLength);
            switch (fieldTag)
            {
                case OriginTag:
                    origin = item.Slice(fieldStart, fieldLength);
                    break;
                case DestinationTag:
                    destination = item.Slice(fieldStart, fieldLength);
                    break;
                case DayTag:
                    day = item.Slice(fieldStart, fieldLength);
                    break;
            }
        }

        var index = chunk.NextIndex;
        var originCode = ItemFields.Port(chunk, "origin", origin, errors);
        var destinationCode = ItemFields.Port(chunk, "destination", destination, errors);
        var date = ItemFields.Day(index, day, errors);
        ItemFields.Finish(chunk, originCode, destinationCode, date, (long)price, errors);
        return position;
    }

    /// <summary>Skips the value of a field (returning where a length-delimited one lies); false if malformed or a group.</summary>
    private static bool TrySkipOrSlice(ReadOnlySpan<byte> data, ref int position, uint tag, out int start, out int length)
    {
        (start, length) = (position, 0);
        if (tag >> 3 == 0)
        {
            return false;
        }

        switch (tag & 7)
        {
            case 0:
                return TryReadVarint(data, ref position, out _);
            case 1:
                return Advance(data, ref position, 8);
            case 5:
                return Advance(data, ref position, 4);
            case 2:
                if (!TryReadVarint(data, ref position, out var size) || size > int.MaxValue)
                {
                    return false;
                }

                (start, length) = (position, (int)size);
                return Advance(data, ref position, (int)size);
            default:
                return false;
        }
    }

    private static bool Advance(ReadOnlySpan<byte> data, ref int position, int count)
    {
        if (count > data.Length - position)
        {
            return false;
        }

        position += count;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
