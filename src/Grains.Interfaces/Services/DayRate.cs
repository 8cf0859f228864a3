using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>One day of a rates answer: the rounded average (null under the minimum count) and the count.</summary>
[GenerateSerializer]
[Alias("priceingest.DayRate")]
public readonly record struct DayRate(DateOnly Day, long? AveragePrice, int Count);
