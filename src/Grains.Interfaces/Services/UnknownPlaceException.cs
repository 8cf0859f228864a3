using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>A place that is neither a known port code nor a known region slug.</summary>
[GenerateSerializer]
[Alias("priceingest.UnknownPlaceException")]
public sealed class UnknownPlaceException(string parameter, string value)
    : Exception($"{parameter} '{value}' is neither a known port code nor a known region slug")
{
    [Id(0)]
    public string Parameter { get; } = parameter;

    [Id(1)]
    public string Value { get; } = value;
}
