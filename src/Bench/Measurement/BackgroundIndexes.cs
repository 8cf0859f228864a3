using Npgsql;

namespace PriceIngest.Bench.Measurement;

/// <summary>
/// The service's background work after a commit: the segment's covering btree (SegmentIndexer).
/// The bench waits for it between contenders and reports when it was done.
/// </summary>
internal static class BackgroundIndexes
{
    public const string Phase = "btree done, ms after the lookup saw the batch";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Waits until no live segment lacks its btree; returns the milliseconds waited.</summary>
    public static async Task<double> WaitAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var started = Elapsed.Now();
        await using var pending = dataSource.CreateCommand(
            "select count(*) from segments where merged_into is null and indexed_at is null");
        while ((long)(await pending.ExecuteScalarAsync(cancellationToken))! > 0)
        {
            if (Elapsed.MillisecondsBetween(started, Elapsed.Now()) > Limit.TotalMilliseconds)
            {
                throw new TimeoutException($"the service left a segment without its btree for {Limit.TotalMinutes} minutes");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
        }

        return Elapsed.MillisecondsBetween(started, Elapsed.Now());
    }
}
