using System.Buffers;
using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.InteropServices;
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

    /// <summary>Adds one lane's days that fall in the range (the lane may cover part of it, or more).</summary>
    public void Add(LaneDays lane)
    {
        ArgumentNullException.ThrowIfNull(lane);

        // A lane without days in the range says so with no days (and no meaningful From).
        if (lane.Length == 0)
        {
            return;
        }

        // Only the days inside this range: a lane's published state covers all of its days.
        var first = From.DayNumber;
        var laneFirst = lane.From.DayNumber;
        var start = Math.Max(first, laneFirst);
        var end = Math.Min(first + Sums.Length, laneFirst + lane.Length);
        if (start >= end)
        {
            return;
        }

        var target = Sums.AsSpan(start - first, end - start);
        if (lane.IsWide)
        {
            AddInto(target, lane.WideSums.AsSpan(start - laneFirst, end - start));
        }
        else
        {
            AddWidened(target, lane.Sums.AsSpan(start - laneFirst, end - start));
        }

        AddInto(Counts.AsSpan(start - first, end - start), lane.Counts.AsSpan(start - laneFirst, end - start));
    }

    /// <summary>Adds another set of sums over the same range, day by day, with span loops.</summary>
    public void Add(ReadOnlySpan<long> sums, ReadOnlySpan<int> counts)
    {
        if (sums.Length != Sums.Length || counts.Length != Counts.Length)
        {
            throw new ArgumentException($"expected {Sums.Length} days, got {sums.Length} sums and {counts.Length} counts");
        }

        AddInto(Sums, sums);
        AddInto(Counts, counts);
    }

    /// <summary>
    /// Adds another set of sums over the same range (a silo's reply in the gateway: protobuf repeated
    /// fields). The lists are copied out in bulk once (arrays and lists are used in place), then added
    /// with span loops: no interface call per day.
    /// </summary>
    public void Add(IReadOnlyList<long> sums, IReadOnlyList<int> counts)
    {
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(counts);
        if (sums.Count != Sums.Length || counts.Count != Counts.Length)
        {
            throw new ArgumentException($"expected {Sums.Length} days, got {sums.Count} sums and {counts.Count} counts");
        }

        long[]? rentedSums = null;
        int[]? rentedCounts = null;
        try
        {
            Add(SpanOf(sums, ref rentedSums), SpanOf(counts, ref rentedCounts));
        }
        finally
        {
            if (rentedSums is not null)
            {
                ArrayPool<long>.Shared.Return(rentedSums);
            }

            if (rentedCounts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedCounts);
            }
        }
    }

    private static ReadOnlySpan<T> SpanOf<T>(IReadOnlyList<T> list, ref T[]? rented)
    {
        switch (list)
        {
            case T[] array:
                return array;
            case List<T> items:
                return CollectionsMarshal.AsSpan(items);
            case ICollection<T> collection:
                // Protobuf's RepeatedField copies with one Array.Copy.
                rented = ArrayPool<T>.Shared.Rent(collection.Count);
                collection.CopyTo(rented, 0);
                return rented.AsSpan(0, collection.Count);
            default:
                rented = ArrayPool<T>.Shared.Rent(list.Count);
                for (var i = 0; i < list.Count; i++)
                {
                    rented[i] = list[i];
                }

                return rented.AsSpan(0, list.Count);
        }
    }

    /// <summary>target[i] += source[i], vectorised where the hardware allows.</summary>
    private static void AddInto<T>(Span<T> target, ReadOnlySpan<T> source)
        where T : struct, INumber<T>
    {
        if (target.Length < source.Length)
        {
            throw new ArgumentException($"{source.Length} values do not fit in {target.Length}");
        }

        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                (new Vector<T>(target[i..]) + new Vector<T>(source[i..])).CopyTo(target[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            target[i] += source[i];
        }
    }

    /// <summary>target[i] += source[i] for int sources (a narrow lane), vectorised where the hardware allows.</summary>
    private static void AddWidened(Span<long> target, ReadOnlySpan<int> source)
    {
        if (target.Length < source.Length)
        {
            throw new ArgumentException($"{source.Length} values do not fit in {target.Length}");
        }

        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var half = Vector<long>.Count;
            for (; i <= source.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                Vector.Widen(new Vector<int>(source[i..]), out var low, out var high);
                (new Vector<long>(target[i..]) + low).CopyTo(target[i..]);
                (new Vector<long>(target[(i + half)..]) + high).CopyTo(target[(i + half)..]);
            }
        }

        for (; i < source.Length; i++)
        {
            target[i] += source[i];
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
