namespace PriceIngest.Grains.Services;

/// <summary>A place that is neither a known port code nor a known region slug.</summary>
public sealed class UnknownPlaceException(string parameter, string value)
    : Exception($"{parameter} '{value}' is neither a known port code nor a known region slug")
{
    public string Parameter { get; } = parameter;

    public string Value { get; } = value;
}
