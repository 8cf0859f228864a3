using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>
/// Average daily price between two places. A place is a port code or a region slug (the region's
/// ports and those of every region below it). Days with fewer than <see cref="MinCount"/> prices
/// have no average. <see cref="MinCommitSeq"/> asks for read-your-writes.
/// </summary>
[GenerateSerializer]
[Alias("priceingest.RatesQuery")]
public sealed record RatesQuery(string Origin, string Destination, DateOnly From, DateOnly To, int MinCount = 3, long? MinCommitSeq = null);
