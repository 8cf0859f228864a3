using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>Opens an upload. <paramref name="DeclaredItems"/> is optional and, when given, must match.</summary>
[GenerateSerializer]
[Alias("priceingest.BatchHeader")]
public sealed record BatchHeader(string BatchId, string? Source, long? DeclaredItems);
