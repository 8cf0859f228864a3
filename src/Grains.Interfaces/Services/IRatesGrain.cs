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
    /// <remarks>
    /// A lookup answers in milliseconds, or waits up to Commits:MaxWait (5 s) for a commit. The
    /// Orleans client does not fail a call in flight through a silo that is killed; it waits for
    /// the response timeout, so this one is short and the caller retries elsewhere.
    /// </remarks>
    [ResponseTimeout("00:00:10")]
    Task<ImmutableArray<DayRate>> GetRatesAsync(RatesQuery query, CancellationToken cancellationToken);
}
