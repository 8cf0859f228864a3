using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Orleans;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// Per-day price sums and counts of one lane for the days <c>From .. From + Length - 1</c>. A day
/// without prices has count 0. The sums are <see cref="Sums"/> (int) while every day's sum fits one,
/// and <see cref="WideSums"/> (long, with <see cref="Sums"/> empty) for a lane with a larger day.
/// </summary>
/// <remarks>
/// Prices are ints and a lane-day holds a few of them, so nearly every lane is narrow: 8 bytes a
/// cached lane-day rather than 12 (the lane caches are most of a silo's memory).
/// </remarks>
[GenerateSerializer]
[Alias("priceingest.LaneDays")]
[Immutable]
public sealed record LaneDays(DateOnly From, ImmutableArray<int> Sums, ImmutableArray<long> WideSums, ImmutableArray<int> Counts, long AppliedSeq)
{
    /// <summary>No days, as of <paramref name="appliedSeq"/>.</summary>
    public static LaneDays Empty(long appliedSeq) => new(default, [], [], [], appliedSeq);

    /// <summary>Number of days held.</summary>
    public int Length => Counts.IsDefault ? 0 : Counts.Length;

    /// <summary>True when the sums are held as longs (<see cref="WideSums"/>).</summary>
    public bool IsWide => !WideSums.IsDefaultOrEmpty;

    /// <summary>The sum of the <paramref name="day"/>-th day held.</summary>
    public long SumAt(int day) => IsWide ? WideSums[day] : Sums[day];

    /// <summary>
    /// Days from <paramref name="from"/> with <paramref name="sums"/> (copied, narrow when every one
    /// fits an int) and <paramref name="counts"/> (taken as they are: the caller gives the array up).
    /// </summary>
    public static LaneDays Of(DateOnly from, ReadOnlySpan<long> sums, int[] counts, long appliedSeq)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (sums.Length != counts.Length)
        {
            throw new ArgumentException($"{sums.Length} sums for {counts.Length} counts", nameof(sums));
        }

        var wide = false;
        foreach (var sum in sums)
        {
            wide |= sum is > int.MaxValue or < int.MinValue;
        }

        if (wide)
        {
            return new(from, [], ImmutableCollectionsMarshal.AsImmutableArray(sums.ToArray()), ImmutableCollectionsMarshal.AsImmutableArray(counts), appliedSeq);
        }

        var narrow = new int[sums.Length];
        for (var i = 0; i < sums.Length; i++)
        {
            narrow[i] = (int)sums[i];
        }

        return new(from, ImmutableCollectionsMarshal.AsImmutableArray(narrow), [], ImmutableCollectionsMarshal.AsImmutableArray(counts), appliedSeq);
    }

    /// <summary>Copies every day's sum into <paramref name="target"/> (at least <see cref="Length"/> long).</summary>
    public void CopySumsTo(Span<long> target)
    {
        if (IsWide)
        {
            WideSums.AsSpan().CopyTo(target);
            return;
        }

        var narrow = Sums.AsSpan();
        for (var i = 0; i < narrow.Length; i++)
        {
            target[i] = narrow[i];
        }
    }
}
