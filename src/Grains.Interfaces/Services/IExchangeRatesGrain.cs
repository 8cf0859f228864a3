using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>Exchange rates for callers outside the silos (gateways): a stateless worker. Use key 0.</summary>
[Alias("priceingest.IExchangeRatesGrain")]
public interface IExchangeRatesGrain : IGrainWithIntegerKey
{
    /// <summary>As <see cref="IExchangeRatesService.PutAsync"/>.</summary>
    Task<int> PutAsync(IReadOnlyList<ExchangeRate> rates, CancellationToken cancellationToken);

    /// <summary>As <see cref="IExchangeRatesService.GetAsync"/>.</summary>
    Task<ImmutableArray<ExchangeRate>> GetAsync(DateOnly day, CancellationToken cancellationToken);
}
