using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>Reference data refused as a whole: each error names the row (1-based, header excluded) and the reason.</summary>
[GenerateSerializer]
[Alias("priceingest.ReferenceDataException")]
public sealed class ReferenceDataException(ImmutableArray<string> errors)
    : Exception(string.Join("; ", errors))
{
    [Id(0)]
    public ImmutableArray<string> Errors { get; } = errors;
}
