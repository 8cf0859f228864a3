using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>
/// A transient failure (database unreachable, commit interrupted, silo stopping): nothing was
/// written; retry. <see cref="OtherSiloMayServe"/> tells a gateway it may retry at once on another
/// silo (this one is stopping) rather than answer the client.
/// </summary>
[GenerateSerializer]
[Alias("priceingest.ServiceUnavailableException")]
public sealed class ServiceUnavailableException(string message, Exception? inner = null, bool otherSiloMayServe = false)
    : Exception(message, Portable(inner))
{
    [Id(0)]
    public bool OtherSiloMayServe { get; } = otherSiloMayServe;

    /// <summary>
    /// The cause as its type and message only. This exception crosses silos and gateways, and a
    /// driver's exception may not: during a database failover Npgsql's "no suitable host" carries a
    /// PostgresException, which Orleans has no codec for, so the caller got INTERNAL instead of a retry.
    /// </summary>
    private static InvalidOperationException? Portable(Exception? inner) =>
        inner is null ? null : new InvalidOperationException($"{inner.GetType().FullName}: {inner.Message}");
}
