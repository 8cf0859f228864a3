namespace PriceIngest.Grains.Lanes;

/// <summary>
/// A lane as read from PostgreSQL: dense per-day sums and counts from <see cref="FirstDayNumber"/>,
/// and the commit sequence of the snapshot it was read in.
/// </summary>
internal sealed record LoadedLane(long Seq, int FirstDayNumber, long[] Sums, int[] Counts)
{
    public static LoadedLane Empty(long seq) => new(seq, 0, [], []);
}
