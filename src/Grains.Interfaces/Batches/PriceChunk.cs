using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// A slice of a batch: items <c>FirstIndex .. FirstIndex + Items.Length - 1</c>, plus the syntax
/// errors the codec found among them, in item order (the failed fields are null in <see cref="Items"/>).
/// </summary>
[GenerateSerializer]
[Alias("priceingest.PriceChunk")]
[Immutable]
public sealed record PriceChunk(long FirstIndex, ImmutableArray<PriceItem> Items, ImmutableArray<ItemError> Errors);
