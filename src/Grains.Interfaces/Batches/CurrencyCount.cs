using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>How many items of a committed batch were converted from <paramref name="Currency"/> to USD.</summary>
[GenerateSerializer]
[Alias("priceingest.CurrencyCount")]
public sealed record CurrencyCount(string Currency, long Items);
