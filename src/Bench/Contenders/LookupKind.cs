namespace PriceIngest.Bench.Contenders;

public enum LookupKind
{
    /// <summary>One port to one port over a month.</summary>
    PortToPortMonth,

    /// <summary>A region with sub-regions to another over a year.</summary>
    RegionToRegionYear,
}
