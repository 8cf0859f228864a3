namespace PriceIngest.Bench.Reporting;

/// <summary>Silo VmRSS before and after every lane of the data set was loaded into the lane caches.</summary>
public sealed record MemoryResult(
    long RssBeforeBytes, long RssAfterBytes, int GrainsActivated, int LanesWithPrices, long LaneDaysHeld,
    double BytesPerLaneDay, double MegabytesPerMillionLaneDays, double WarmAllSeconds);
