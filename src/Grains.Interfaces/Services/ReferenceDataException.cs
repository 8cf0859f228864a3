using System.Collections.Immutable;

namespace PriceIngest.Grains.Services;

/// <summary>Reference data refused as a whole: each error names the row (1-based, header excluded) and the reason.</summary>
public sealed class ReferenceDataException(ImmutableArray<string> errors)
    : Exception(string.Join("; ", errors))
{
    public ImmutableArray<string> Errors { get; } = errors;
}
