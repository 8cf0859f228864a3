using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Npgsql;
using PriceIngest.Grains.Coherence;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;
using PriceIngest.Runtime;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// Answers rates from the lane grains of this silo: resolve both places to ports, fan out to every
/// lane between them, add the per-day sums and counts, average.
/// </summary>
internal sealed class LocalRatesService(
    ReferenceDataCache reference,
    IGrainFactory grains,
    CommitFeed commits,
    IOptions<RatesOptions> options,
    IOptions<CommitFeedOptions> feedOptions) : IRatesService
{
    public async Task<ImmutableArray<DayRate>> GetRatesAsync(RatesQuery query, CancellationToken cancellationToken)
    {
        if (query.From > query.To)
        {
            throw new InvalidQueryException("date_from", $"date_from {query.From:yyyy-MM-dd} is after date_to {query.To:yyyy-MM-dd}");
        }

        var length = query.To.DayNumber - query.From.DayNumber + 1;
        if (length > options.Value.MaxRangeDays)
        {
            throw new InvalidQueryException("date_to", $"the range has {length} days; at most {options.Value.MaxRangeDays} are allowed (Rates:MaxRangeDays)");
        }

        var snapshot = reference.Current;
        if (!snapshot.TryResolve(query.Origin, out var origins))
        {
            throw new UnknownPlaceException("origin", query.Origin);
        }

        if (!snapshot.TryResolve(query.Destination, out var destinations))
        {
            throw new UnknownPlaceException("destination", query.Destination);
        }

        if ((long)origins.Length * destinations.Length > options.Value.MaxLanes)
        {
            throw new InvalidQueryException("origin",
                $"{origins.Length} x {destinations.Length} lanes exceed the limit of {options.Value.MaxLanes} (Rates:MaxLanes)");
        }

        if (query.MinCommitSeq is { } seq && !await commits.WaitForAsync(seq, feedOptions.Value.MaxWait, cancellationToken))
        {
            throw new CommitNotVisibleException(seq);
        }

        var calls = new List<Task<LaneDays>>(origins.Length * destinations.Length);
        foreach (var origin in origins)
        {
            foreach (var destination in destinations)
            {
                if (origin != destination)
                {
                    calls.Add(grains.GetGrain<IPriceGrain>(LaneKey.Of(origin, destination)).GetDaysAsync(query.From, query.To, cancellationToken));
                }
            }
        }

        LaneDays[] lanes;
        try
        {
            lanes = await Task.WhenAll(calls);
        }
        catch (NpgsqlException e)
        {
            throw new ServiceUnavailableException("the database is unreachable; cold lanes cannot be loaded right now, retry shortly", e);
        }

        var sums = new long[length];
        var counts = new int[length];
        foreach (var lane in lanes)
        {
            var offset = lane.From.DayNumber - query.From.DayNumber;
            for (var i = 0; i < lane.Sums.Length; i++)
            {
                sums[offset + i] += lane.Sums[i];
                counts[offset + i] += lane.Counts[i];
            }
        }

        var days = ImmutableArray.CreateBuilder<DayRate>(length);
        for (var i = 0; i < length; i++)
        {
            days.Add(new(query.From.AddDays(i), DailyAverage.Of(sums[i], counts[i], query.MinCount), counts[i]));
        }

        return days.MoveToImmutable();
    }
}
