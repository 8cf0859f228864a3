using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>A valid reference upload refused because it would remove what stored prices still use; each error names the row or key.</summary>
[GenerateSerializer]
[Alias("priceingest.ReferenceDataConflictException")]
public sealed class ReferenceDataConflictException(ImmutableArray<string> errors)
    : Exception(string.Join("; ", errors))
{
    [Id(0)]
    public ImmutableArray<string> Errors { get; } = errors;
}
