using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.ExchangeRates;

/// <summary><see cref="IExchangeRatesGrain"/>: a gateway's exchange-rate calls, served by the silo they reach.</summary>
[StatelessWorker]
[Reentrant]
internal sealed class ExchangeRatesGrain(IExchangeRatesService store) : Grain, IExchangeRatesGrain
{
    public Task<int> PutAsync(IReadOnlyList<ExchangeRate> rates, CancellationToken cancellationToken) => store.PutAsync(rates, cancellationToken);

    public Task<ImmutableArray<ExchangeRate>> GetAsync(DateOnly day, CancellationToken cancellationToken) => store.GetAsync(day, cancellationToken);
}
