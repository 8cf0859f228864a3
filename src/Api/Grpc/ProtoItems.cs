using System.Text;
using PriceIngest.Api.Codecs;
using PriceIngest.Grains.Batches;
using V1 = PriceIngest.Contracts.V1;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// A protobuf <c>PriceItem</c> into the batch's next slot, through the same syntax checks as the
/// CSV and NDJSON codecs (<see cref="ItemFields"/>): a missing port, a day that is not a real
/// YYYY-MM-DD, each an item error at the item's 0-based index in the whole batch.
/// </summary>
internal static class ProtoItems
{
    private const int ScratchBytes = 256;

    public static void Add(ChunkBuilder chunk, V1.PriceItem item, List<ItemError> errors)
    {
        Span<byte> scratch = stackalloc byte[ScratchBytes];
        var index = chunk.NextIndex;
        var origin = ItemFields.Port(chunk, "origin", Utf8(item.Origin, scratch), errors);
        var destination = ItemFields.Port(chunk, "destination", Utf8(item.Destination, scratch), errors);
        var day = ItemFields.Day(index, Utf8(item.Day, scratch), errors);
        var currency = ItemFields.Currency(chunk, Utf8(item.Currency, scratch));
        var price = ItemFields.Price(index, item.Price, item.PriceNanos, errors);
        ItemFields.Finish(chunk, origin, destination, day, price, errors, currency, item.PriceNanos);
    }

    /// <summary>Adds every item, handing on each chunk that fills up (the last, partial one stays in <paramref name="chunk"/>).</summary>
    public static IEnumerable<PriceChunk> AddAll(ChunkBuilder chunk, IEnumerable<V1.PriceItem> items, List<ItemError> errors)
    {
        foreach (var item in items)
        {
            Add(chunk, item, errors);
            if (chunk.IsFull)
            {
                yield return chunk.Take()!;
            }
        }
    }

    private static ReadOnlySpan<byte> Utf8(string text, Span<byte> scratch) =>
        text.Length * 3 <= scratch.Length ? scratch[..Encoding.UTF8.GetBytes(text, scratch)] : Encoding.UTF8.GetBytes(text);
}
