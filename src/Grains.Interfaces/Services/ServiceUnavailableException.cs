using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>
/// A transient failure (database unreachable, commit interrupted, silo stopping): nothing was
/// written; retry. <see cref="OtherSiloMayServe"/> tells a gateway it may retry at once on another
/// silo (this one is stopping) rather than answer the client.
/// </summary>
[GenerateSerializer]
[Alias("priceingest.ServiceUnavailableException")]
public sealed class ServiceUnavailableException(string message, Exception? inner = null, bool otherSiloMayServe = false) : Exception(message, inner)
{
    [Id(0)]
    public bool OtherSiloMayServe { get; } = otherSiloMayServe;
}
