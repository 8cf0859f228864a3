using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// Answers rates from the lane grains of this silo (local mode, or a silo asked directly):
/// resolve both places to lanes, add their per-day sums and counts, average.
/// </summary>
internal sealed class LocalRatesService(ReferenceDataCache reference, LaneSummer lanes, IOptions<RatesOptions> options) : IRatesService
{
    public async Task<ImmutableArray<DayRate>> GetRatesAsync(RatesQuery query, CancellationToken cancellationToken)
    {
        var plan = RatesPlan.Create(query, reference.Current, options.Value);
        var sums = await lanes.SumAsync(plan.Lanes, query.From, query.To, query.MinCommitSeq, cancellationToken);
        return sums.ToRates(query.MinCount);
    }
}
