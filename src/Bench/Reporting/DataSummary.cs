namespace PriceIngest.Bench.Reporting;

/// <summary>The generated data set.</summary>
public sealed record DataSummary(
    int Seed, int Ports, int Regions, int RootRegions, int BasePrices, int BaseLanesWithPrices, long BaseLaneDays,
    string BaseDays, string BatchDays, double PricesPerLaneDay, double DuplicateShare, string RowOrder);
