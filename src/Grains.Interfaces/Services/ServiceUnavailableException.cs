namespace PriceIngest.Grains.Services;

/// <summary>A transient failure (database unreachable, commit interrupted): nothing was written; retry.</summary>
public sealed class ServiceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
