namespace PriceIngest.Grains.ReferenceData;

/// <summary>A known port: its storage id (part of every lane id), code and region.</summary>
public sealed record Port(short Id, string Code, string Name, string RegionSlug);

/// <summary>A known region and its parent (null for a root).</summary>
public sealed record Region(string Slug, string Name, string? ParentSlug);
