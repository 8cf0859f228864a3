using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// One price as it arrives, parsed syntactically. A field the codec could not read is null and its
/// error travels in <see cref="PriceChunk.Errors"/>; the other fields are still checked, so a
/// rejection names every problem of the item. <see cref="Currency"/> null means USD; any other
/// currency is converted to whole USD at the rate of the item's day before it is checked and stored.
/// A price is <see cref="Price"/> whole units plus <see cref="PriceNanos"/> billionths of a unit
/// (google.type.Money's units and nanos, the same sign), so a whole price costs no decimal arithmetic.
/// </summary>
[GenerateSerializer]
[Alias("priceingest.PriceItem")]
public readonly record struct PriceItem(string? Origin, string? Destination, DateOnly? Day, long? Price, string? Currency = null, int PriceNanos = 0)
{
    /// <summary>Billionths per unit: a price has at most 9 decimal places (the API splits quoted prices with Formats' PriceAmount).</summary>
    public const int NanosPerUnit = 1_000_000_000;

    public bool IsComplete => Origin is not null && Destination is not null && Day.HasValue && Price.HasValue;

    /// <summary>The price as quoted, in its currency.</summary>
    public decimal? Amount => Price is not { } units ? null
        : PriceNanos == 0 ? units // most prices are whole: no decimal division per item
        : units + ((decimal)PriceNanos / NanosPerUnit);

    /// <summary>Whether units and nanos make one price: |nanos| below a unit, with the sign of the units.</summary>
    public static bool IsValid(long units, int nanos) =>
        nanos is > -NanosPerUnit and < NanosPerUnit && (nanos == 0 || units == 0 || (units > 0) == (nanos > 0));
}
