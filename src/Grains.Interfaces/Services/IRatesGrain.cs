using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>
/// Rates for callers outside the silos (gateways): a stateless worker on the silo the call reaches,
/// which answers as that silo's own APIs do. Use key 0.
/// </summary>
[Alias("priceingest.IRatesGrain")]
public interface IRatesGrain : IGrainWithIntegerKey
{
    /// <summary>One entry per day of the range, in order. Throws <see cref="UnknownPlaceException"/>, <see cref="InvalidQueryException"/>.</summary>
    Task<ImmutableArray<DayRate>> GetRatesAsync(RatesQuery query, CancellationToken cancellationToken);
}
