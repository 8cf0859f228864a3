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
        sums.Add(new LaneDays(new DateOnly(2016, 1, 3), [.. Enumerable.Range(1, 20).Select(i => (long)i)], [.. Enumerable.Repeat(1, 20)], 1));
        sums.Add(new LaneDays(default, [], [], 1));

        Assert.Equal(Enumerable.Range(0, Days).Select(d => d is >= 2 and < 22 ? (long)(d - 1) : 0L), sums.Sums);
        Assert.Equal(Enumerable.Range(0, Days).Select(d => d is >= 2 and < 22 ? 1 : 0), sums.Counts);
    }

    private sealed class ReadOnlyListOf<T>(T[] items) : IReadOnlyList<T>
    {
        public T this[int index] => items[index];

        public int Count => items.Length;

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => items.GetEnumerator();
    }
}
