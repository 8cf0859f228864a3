using System.Collections.Immutable;
using PriceIngest.Grains.Services;

namespace PriceIngest.Gateway.Routing;

/// <summary>Exchange rates through a silo's <see cref="IExchangeRatesGrain"/> (an upsert may be retried).</summary>
internal sealed class ClusterExchangeRates(IClusterClient cluster, ClusterCalls calls) : IExchangeRatesService
{
    public Task<int> PutAsync(IReadOnlyList<ExchangeRate> rates, CancellationToken cancellationToken) =>
        calls.RunAsync(GatewayMetrics.ExchangeRates, ct => cluster.GetGrain<IExchangeRatesGrain>(0).PutAsync(rates, ct), cancellationToken);

    public Task<ImmutableArray<ExchangeRate>> GetAsync(DateOnly day, CancellationToken cancellationToken) =>
        calls.RunAsync(GatewayMetrics.ExchangeRates, ct => cluster.GetGrain<IExchangeRatesGrain>(0).GetAsync(day, ct), cancellationToken);
}
