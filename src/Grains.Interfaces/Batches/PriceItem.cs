using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// One price as it arrives, parsed syntactically. A field the codec could not read is null and its
/// error travels in <see cref="PriceChunk.Errors"/>; the other fields are still checked, so a
/// rejection names every problem of the item.
/// </summary>
[GenerateSerializer]
[Alias("priceingest.PriceItem")]
public readonly record struct PriceItem(string? Origin, string? Destination, DateOnly? Day, long? Price)
{
    public bool IsComplete => Origin is not null && Destination is not null && Day.HasValue && Price.HasValue;
}
