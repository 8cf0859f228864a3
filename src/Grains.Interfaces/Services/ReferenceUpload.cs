using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>An applied reference upload: how many rows it listed, and the keys it removed (codes or slugs, sorted).</summary>
[GenerateSerializer]
[Immutable]
[Alias("priceingest.ReferenceUpload")]
public sealed record ReferenceUpload([property: Id(0)] int Rows, [property: Id(1)] ImmutableArray<string> Removed);
