using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>A query that breaks a rule or limit; <see cref="Parameter"/> names the offending input.</summary>
[GenerateSerializer]
[Alias("priceingest.InvalidQueryException")]
public sealed class InvalidQueryException(string parameter, string message) : Exception(message)
{
    [Id(0)]
    public string Parameter { get; } = parameter;
}
