namespace PriceIngest.Grains.Services;

/// <summary>A query that breaks a rule or limit; <see cref="Parameter"/> names the offending input.</summary>
public sealed class InvalidQueryException(string parameter, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;
}
