using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// <see cref="IRatesGrain"/>: a gateway's lookup answered by the silo it reaches, exactly as that
/// silo's own APIs answer (<see cref="ClusterRates"/>). Reentrant: a lookup waiting for a cold lane
/// must not hold up the others.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class RatesGrain(IRatesService rates) : Grain, IRatesGrain
{
    public Task<ImmutableArray<DayRate>> GetRatesAsync(RatesQuery query, CancellationToken cancellationToken) =>
        rates.GetRatesAsync(query, cancellationToken);
}
