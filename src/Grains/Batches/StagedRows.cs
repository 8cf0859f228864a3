namespace PriceIngest.Grains.Batches;

/// <summary>
/// A batch's valid rows in compact form (12 bytes each), sorted by (lane, day) before COPY:
/// sorted input makes the segment's index build cheap and lets commit deltas be sliced per lane.
/// </summary>
internal sealed class StagedRows
{
    // Key = lane << 32 | PostgreSQL day (days since 2000-01-01, non-negative in our window).
    private long[] _keys = new long[1024];
    private int[] _prices = new int[1024];

    public int Count { get; private set; }

    public ReadOnlySpan<long> Keys => _keys.AsSpan(0, Count);

    public ReadOnlySpan<int> Prices => _prices.AsSpan(0, Count);

    public static int PgDay(DateOnly day) => day.DayNumber - PgEpochDayNumber;

    public static int LaneOf(long key) => (int)(key >>> 32);

    public static int DayNumberOf(long key) => (int)(key & 0xFFFFFFFF) + PgEpochDayNumber;

    public void Add(int lane, DateOnly day, int price)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, _keys.Length * 2);
            Array.Resize(ref _prices, _prices.Length * 2);
        }

        _keys[Count] = ((long)lane << 32) | (uint)PgDay(day);
        _prices[Count] = price;
        Count++;
    }

    public void Sort() => Array.Sort(_keys, _prices, 0, Count);

    /// <summary>The index range [start, end) of one lane's rows; requires <see cref="Sort"/>.</summary>
    public (int Start, int End) RangeOf(int lane)
    {
        var keys = Keys;
        var start = LowerBound(keys, (long)lane << 32);
        var end = LowerBound(keys, (long)(lane + 1) << 32);
        return (start, end);
    }

    private static int LowerBound(ReadOnlySpan<long> keys, long value)
    {
        int low = 0, high = keys.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (keys[mid] < value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private static readonly int PgEpochDayNumber = new DateOnly(2000, 1, 1).DayNumber;
}
