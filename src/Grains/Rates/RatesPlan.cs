using System.Collections.Immutable;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// A checked rates query: the range within limits, both places resolved to ports, and the lanes
/// between them (a port to itself is not a lane). Shared by the silo and the gateway so that both
/// refuse the same queries with the same messages.
/// </summary>
public sealed record RatesPlan(RatesQuery Query, ImmutableArray<int> Lanes)
{
    public int Length => Query.To.DayNumber - Query.From.DayNumber + 1;

    public static RatesPlan Create(RatesQuery query, ReferenceSnapshot snapshot, RatesOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(options);
        if (query.From > query.To)
        {
            throw new InvalidQueryException("date_from", $"date_from {query.From:yyyy-MM-dd} is after date_to {query.To:yyyy-MM-dd}");
        }

        var length = query.To.DayNumber - query.From.DayNumber + 1;
        if (length > options.MaxRangeDays)
        {
            throw new InvalidQueryException("date_to", $"the range has {length} days; at most {options.MaxRangeDays} are allowed (Rates:MaxRangeDays)");
        }

        if (!snapshot.TryResolve(query.Origin, out var origins))
        {
            throw new UnknownPlaceException("origin", query.Origin, snapshot.Suggest(query.Origin));
        }

        if (!snapshot.TryResolve(query.Destination, out var destinations))
        {
            throw new UnknownPlaceException("destination", query.Destination, snapshot.Suggest(query.Destination));
        }

        if ((long)origins.Length * destinations.Length > options.MaxLanes)
        {
            throw new InvalidQueryException("origin",
                $"{origins.Length} x {destinations.Length} lanes exceed the limit of {options.MaxLanes} (Rates:MaxLanes)");
        }

        var lanes = ImmutableArray.CreateBuilder<int>(origins.Length * destinations.Length);
        foreach (var origin in origins)
        {
            foreach (var destination in destinations)
            {
                if (origin != destination)
                {
                    lanes.Add(LaneKey.Of(origin, destination));
                }
            }
        }

        return new(query, lanes.ToImmutable());
    }
}
