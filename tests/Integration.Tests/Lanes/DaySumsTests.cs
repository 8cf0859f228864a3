using Google.Protobuf.Collections;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.Rates;

namespace PriceIngest.Integration.Tests.Lanes;

/// <summary>DaySums adds silos' replies and lanes' days exactly, whatever list type carries them.</summary>
public sealed class DaySumsTests
{
    private const int Days = 37; // not a multiple of any vector width: the tail loop runs too

    [Fact]
    public void Adds_repeated_fields_lists_arrays_and_spans_day_by_day()
    {
        var sums = new DaySums(new DateOnly(2016, 1, 1), Days);
        var s = Enumerable.Range(1, Days).Select(i => (long)i * 1_000_000_000).ToArray();
        var c = Enumerable.Range(1, Days).ToArray();
        var repeatedSums = new RepeatedField<long>();
        repeatedSums.Add(s);
        var repeatedCounts = new RepeatedField<int>();
        repeatedCounts.Add(c);

        sums.Add(repeatedSums, repeatedCounts);
        sums.Add(s.ToList(), c.ToList());
        sums.Add(s, c);
        sums.Add(s.AsSpan(), c.AsSpan());
        sums.Add(new ReadOnlyListOf<long>(s), new ReadOnlyListOf<int>(c));

        Assert.Equal(s.Select(x => 5 * x), sums.Sums);
        Assert.Equal(c.Select(x => 5 * x), sums.Counts);
        Assert.Throws<ArgumentException>(() => sums.Add(s.AsSpan(1), c.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => sums.Add(repeatedSums, new RepeatedField<int>()));
    }

    [Fact]
    public void Adds_a_lane_covering_part_of_the_range_at_its_offset()
    {
        var sums = new DaySums(new DateOnly(2016, 1, 1), Days);
        sums.Add(LaneDays.Of(new DateOnly(2016, 1, 3), [.. Enumerable.Range(1, 20).Select(i => (long)i)], [.. Enumerable.Repeat(1, 20)], 1));
        sums.Add(LaneDays.Empty(1));

        Assert.Equal(Enumerable.Range(0, Days).Select(d => d is >= 2 and < 22 ? (long)(d - 1) : 0L), sums.Sums);
        Assert.Equal(Enumerable.Range(0, Days).Select(d => d is >= 2 and < 22 ? 1 : 0), sums.Counts);
    }

    [Fact]
    public void A_lane_with_a_day_sum_beyond_int_is_held_wide_and_adds_exactly()
    {
        var from = new DateOnly(2016, 1, 1);
        var big = (long)int.MaxValue + 10;
        var wide = LaneDays.Of(from, [.. Enumerable.Range(0, Days).Select(i => i == 5 ? big : i)], [.. Enumerable.Repeat(2, Days)], 1);
        var narrow = LaneDays.Of(from, [.. Enumerable.Range(0, Days).Select(i => (long)int.MaxValue - i)], [.. Enumerable.Repeat(1, Days)], 1);
        Assert.True(wide.IsWide);
        Assert.True(wide.Sums.IsEmpty);
        Assert.False(narrow.IsWide);
        Assert.Equal(big, wide.SumAt(5));
        Assert.Equal(int.MaxValue - 36L, narrow.SumAt(36));

        var sums = new DaySums(from, Days);
        sums.Add(wide);
        sums.Add(narrow);
        sums.Add(narrow);

        Assert.Equal(Enumerable.Range(0, Days).Select(i => (i == 5 ? big : i) + (2L * (int.MaxValue - i))), sums.Sums);
        Assert.Equal(Enumerable.Repeat(4, Days), sums.Counts);
    }

    [Fact]
    public void A_commit_taking_a_day_past_int_widens_the_lane_and_keeps_every_sum()
    {
        var publication = new LanePublication(adopted: true);
        publication.EndLoad(LaneDays.Of(new DateOnly(2016, 1, 2), [int.MaxValue - 1L, 3], [1, 1], 1));
        Assert.False(publication.Days!.IsWide);

        var jan1 = new DateOnly(2016, 1, 1).DayNumber;
        publication.Apply(new LaneDelta(2, [new DayTotal(jan1, 5, 1), new DayTotal(jan1 + 1, 7, 1)]));

        var days = publication.Days!;
        Assert.True(days.IsWide);
        Assert.Equal(new DateOnly(2016, 1, 1), days.From);
        Assert.Equal([5L, int.MaxValue + 6L, 3L], days.WideSums.ToArray());
        Assert.Equal([1, 2, 1], days.Counts.ToArray());
        Assert.Equal(2, days.AppliedSeq);
        Assert.Equal([int.MaxValue + 6L], LanePublication.Slice(days, new(2016, 1, 2), new(2016, 1, 2)).WideSums.ToArray());
        Assert.Equal([3], LanePublication.Slice(LaneDays.Of(days.From, [5, 6, 3], [1, 1, 1], 2), new(2016, 1, 3), new(2016, 1, 9)).Sums.ToArray());
    }

    private sealed class ReadOnlyListOf<T>(T[] items) : IReadOnlyList<T>
    {
        public T this[int index] => items[index];

        public int Count => items.Length;

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => items.GetEnumerator();
    }
}
