namespace PriceIngest.Grains.Storage;

/// <summary>A schema step. Versions only grow; an applied migration is never edited, a new one is added.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
