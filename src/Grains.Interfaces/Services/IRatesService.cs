using System.Collections.Immutable;

namespace PriceIngest.Grains.Services;

/// <summary>The read side as the public APIs see it (local mode: grains in this process; cluster: silos).</summary>
public interface IRatesService
{
    /// <summary>One entry per day of the range, in order. Throws <see cref="UnknownPlaceException"/>.</summary>
    Task<ImmutableArray<DayRate>> GetRatesAsync(RatesQuery query, CancellationToken cancellationToken);
}
