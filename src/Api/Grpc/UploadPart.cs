using Google.Protobuf;
using PriceIngest.Api.Codecs;
using PriceIngest.Contracts.V1;
using PriceIngest.Grains.Batches;
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
    private const uint CurrencyTag = (5 << 3) | 2;
    private const uint PriceNanosTag = 6 << 3;

    // The message's bytes, rented from the shared pool (returned once decoded): a message of
    // 8,192 items is about 250 KB, and allocating such arrays per message filled the large object
    // heap, whose collections then ran alongside the commit. The items body is a slice of it.
    private RawMessage? _message;
    private readonly int _itemsStart;
    private readonly int _itemsLength;
    private readonly PriceItems? _parsedItems;

    private UploadPart(UploadBatchRequest.PartOneofCase kind, Contracts.V1.BatchHeader? header, RawMessage? message, int itemsStart, int itemsLength, PriceItems? parsedItems)
    {
        Kind = kind;
        Header = header;
        _message = message;
        _itemsStart = itemsStart;
        _itemsLength = itemsLength;
        _parsedItems = parsedItems;
    }

    public UploadBatchRequest.PartOneofCase Kind { get; }

    public Contracts.V1.BatchHeader? Header { get; }

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

        var message = _message ?? throw new InvalidOperationException("the items of an upload part are added once");
        try
        {
            var items = message.Buffer;
            var end = _itemsStart + _itemsLength;
            var position = _itemsStart;
            while (position < end)
            {
                position = AddItem(items, end, position, chunk, errors);
                if (chunk.IsFull)
                {
                    yield return chunk.Take()!;
                }
            }
        }
        finally
        {
            // Decoded items hold no reference into the bytes (codes are copied into strings).
            _message = null;
            message.Dispose();
        }
    }

    /// <summary>Splits a message into its part; an items part keeps <paramref name="message"/> (returned to the pool once decoded).</summary>
    public static UploadPart Parse(RawMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var keep = false;
        try
        {
            return Parse(message, message.Span, out keep);
        }
        finally
        {
            if (!keep)
            {
                message.Dispose();
            }
        }
    }

    private static UploadPart Parse(RawMessage message, ReadOnlySpan<byte> bytes, out bool keep)
    {
        keep = false;
        var (kind, start, length, parts) = (UploadBatchRequest.PartOneofCase.None, 0, 0, 0);
        var position = 0;
        while (position < bytes.Length)
        {
            if (!TryReadVarint(bytes, ref position, out var tag) || tag > uint.MaxValue
                || !TrySkipOrSlice(bytes, ref position, (uint)tag, out var sliceStart, out var sliceLength))
            {
                return Slow(bytes);
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
            return Slow(bytes);
        }

        switch (kind)
        {
            case UploadBatchRequest.PartOneofCase.Header:
                return new(kind, Contracts.V1.BatchHeader.Parser.ParseFrom(body), null, 0, 0, null);
            case UploadBatchRequest.PartOneofCase.Items:
                keep = true;
                return new(kind, null, message, start, length, null);
            default:
                return new(kind, null, null, 0, 0, null);
        }
    }

    private static UploadPart Slow(ReadOnlySpan<byte> bytes)
    {
        var request = UploadBatchRequest.Parser.ParseFrom(bytes);
        return new(request.PartCase, request.Header, null, 0, 0, request.Items);
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
    private static int AddItem(byte[] items, int end, int position, ChunkBuilder chunk, List<ItemError> errors)
    {
        var span = items.AsSpan(0, end);
        TryReadVarint(span, ref position, out var tag);
        TrySkipOrSlice(span, ref position, (uint)tag, out var start, out var length);
        if (tag != ItemTag)
        {
            return position;
        }

        // proto3 defaults: a field not sent is empty (strings) or 0 (price); a repeated field's last value wins.
        ReadOnlySpan<byte> origin = default, destination = default, day = default, currency = default;
        ulong price = 0, nanos = 0;
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

            if (fieldTag == PriceNanosTag)
            {
                TryReadVarint(item, ref at, out nanos);
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
                case CurrencyTag:
                    currency = item.Slice(fieldStart, fieldLength);
                    break;
            }
        }

        var index = chunk.NextIndex;
        var originCode = ItemFields.Port(chunk, "origin", origin, errors);
        var destinationCode = ItemFields.Port(chunk, "destination", destination, errors);
        var date = ItemFields.Day(index, day, errors);
        var currencyCode = ItemFields.Currency(chunk, currency);
        // int32 travels as a sign-extended varint: its low 32 bits are the value.
        var priceNanos = (int)nanos;
        ItemFields.Finish(chunk, originCode, destinationCode, date, ItemFields.Price(index, (long)price, priceNanos, errors), errors, currencyCode, priceNanos);
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
