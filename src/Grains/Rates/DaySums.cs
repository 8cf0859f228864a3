using System.Collections.Immutable;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// Per-day price sums and counts over a date range, added up from lanes (in a silo) or from
/// silos (in the gateway). Sums and counts add exactly, so any grouping gives the same answer.
/// </summary>
public sealed class DaySums
{
    public DaySums(DateOnly from, int length)
    {
        From = from;
        Sums = new long[length];
        Counts = new int[length];
    }

    public DateOnly From { get; }

    public long[] Sums { get; }

    public int[] Counts { get; }

    /// <summary>Adds one lane's days (which may cover only part of the range).</summary>
    public void Add(LaneDays lane)
    {
        ArgumentNullException.ThrowIfNull(lane);
        var offset = lane.From.DayNumber - From.DayNumber;
        for (var i = 0; i < lane.Sums.Length; i++)
        {
            Sums[offset + i] += lane.Sums[i];
            Counts[offset + i] += lane.Counts[i];
        }
    }

    /// <summary>Adds another set of sums over the same range, day by day.</summary>
    public void Add(IReadOnlyList<long> sums, IReadOnlyList<int> counts)
    {
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(counts);
        if (sums.Count != Sums.Length || counts.Count != Counts.Length)
        {
            throw new ArgumentException($"expected {Sums.Length} days, got {sums.Count} sums and {counts.Count} counts");
        }

        for (var i = 0; i < Sums.Length; i++)
        {
            Sums[i] += sums[i];
            Counts[i] += counts[i];
        }
    }

    /// <summary>One entry per day: the rounded average, null under <paramref name="minCount"/>.</summary>
    public ImmutableArray<DayRate> ToRates(int minCount)
    {
        var days = ImmutableArray.CreateBuilder<DayRate>(Sums.Length);
        for (var i = 0; i < Sums.Length; i++)
        {
            days.Add(new(From.AddDays(i), DailyAverage.Of(Sums[i], Counts[i], minCount), Counts[i]));
        }

        return days.MoveToImmutable();
    }
}
