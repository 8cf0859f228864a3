using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>A place that is neither a known port code nor a known region slug (the message suggests the closest known ones).</summary>
[GenerateSerializer]
[Alias("priceingest.UnknownPlaceException")]
public sealed class UnknownPlaceException(string parameter, string value, IReadOnlyList<string>? suggestions = null)
    : Exception($"{parameter} '{value}' is neither a known port code nor a known region slug{PlaceSuggestions.Sentence(suggestions ?? [])}")
{
    [Id(0)]
    public string Parameter { get; } = parameter;

    [Id(1)]
    public string Value { get; } = value;
}
