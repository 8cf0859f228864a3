using System.Collections.Immutable;
using PriceIngest.Grains.Services;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// Rates through the cluster: one call to a silo's <see cref="IRatesGrain"/> (a stateless worker
/// that answers as the silo's own APIs do). The key is drawn at random: the Orleans client sends a
/// grain's calls through one silo, so random keys spread lookups over every silo, and a retry
/// likely reaches another one.
/// </summary>
internal sealed class ClusterRatesService(IClusterClient cluster, ClusterCalls calls) : IRatesService
{
    // Keys in use: enough to spread lookups over the silos of any cluster this product runs. Few:
    // each key is a grain with up to one worker per core on a silo, and Orleans's rebalancer
    // counts those (immovable) activations too; with 1,024 keys it moved every lane to a joining
    // silo to even the counts out.
    private const int Workers = 32;

    public Task<ImmutableArray<DayRate>> GetRatesAsync(RatesQuery query, CancellationToken cancellationToken) =>
        calls.RunAsync(GatewayMetrics.Lookup, ct => cluster.GetGrain<IRatesGrain>(Random.Shared.Next(Workers)).GetRatesAsync(query, ct), cancellationToken,
            alsoRetry: e => e is CommitNotVisibleException);
}
