using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>A port of the reference data: 5-character code, name, slug of its region.</summary>
[GenerateSerializer]
[Alias("priceingest.PortRow")]
public sealed record PortRow(string Code, string Name, string Region);

/// <summary>A region of the reference data: slug, name, parent slug (null for a root).</summary>
[GenerateSerializer]
[Alias("priceingest.RegionRow")]
public sealed record RegionRow(string Slug, string Name, string? Parent);
