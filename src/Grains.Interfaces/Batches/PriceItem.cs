using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// One price as it arrives, parsed syntactically. A field the codec could not read is null and its
/// error travels in <see cref="PriceChunk.Errors"/>; the other fields are still checked, so a
/// rejection names every problem of the item. <see cref="Currency"/> null means USD; any other
/// currency is converted to whole USD at the rate of the item's day before it is checked and stored.
/// </summary>
[GenerateSerializer]
[Alias("priceingest.PriceItem")]
public readonly record struct PriceItem(string? Origin, string? Destination, DateOnly? Day, long? Price, string? Currency = null)
{
    public bool IsComplete => Origin is not null && Destination is not null && Day.HasValue && Price.HasValue;
}
