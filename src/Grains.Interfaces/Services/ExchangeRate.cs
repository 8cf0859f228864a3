using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>Units of <paramref name="Currency"/> (ISO 4217) per 1 USD on <paramref name="Day"/>, as openexchangerates.org publishes them.</summary>
[GenerateSerializer]
[Alias("priceingest.ExchangeRate")]
public sealed record ExchangeRate(DateOnly Day, string Currency, decimal Rate);
