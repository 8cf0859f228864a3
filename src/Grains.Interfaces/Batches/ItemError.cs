using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>Why one item of a batch is invalid: its 0-based index, the field, the value as sent, the reason.</summary>
[GenerateSerializer]
[Alias("priceingest.ItemError")]
public sealed record ItemError(long Index, string Field, string? Value, string Reason);
