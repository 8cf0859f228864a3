using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>Every port (by code) and region (by slug), as a silo's reference data has them.</summary>
[GenerateSerializer]
[Immutable]
[Alias("priceingest.ReferenceListing")]
public sealed record ReferenceListing(ImmutableArray<PortRow> Ports, ImmutableArray<RegionRow> Regions);
