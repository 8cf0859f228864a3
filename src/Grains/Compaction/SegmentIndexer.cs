using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Storage;

namespace PriceIngest.Grains.Compaction;

/// <summary>
/// Gives committed segments their covering btree, right after the commit that made them (the
/// committing grain wakes it) and, every <see cref="SegmentMergeOptions.Interval"/>, for any segment
/// left without one (its silo died first). Until then lookups use the segment's BRIN: correct, a
/// little slower per lane. Building outside the commit keeps the btree's cost (about two thirds of
/// the database's index work) out of the batch's response time; readers are never blocked by it.
/// </summary>
internal sealed partial class SegmentIndexer(
    NpgsqlDataSource dataSource, IOptions<SegmentMergeOptions> options, IngestMetrics metrics, ILogger<SegmentIndexer> logger)
    : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>A segment was committed here: build its btree now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                try
                {
                    await BuildPendingAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    // A failed CREATE INDEX leaves nothing behind; the next wake or sweep retries.
                    LogIndexFailed(logger, e);
                }

                using var sweep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                sweep.CancelAfter(options.Value.Interval);
                await _wake.Reader.ReadAsync(sweep.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // The sweep interval passed without a local commit.
            }
        }
    }

    /// <summary>Builds every missing btree; returns how many this call built.</summary>
    public async Task<int> BuildPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var built = await SegmentIndexes.BuildPendingAsync(connection, cancellationToken);
        if (built > 0)
        {
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            metrics.Phase("btree", elapsed);
            LogIndexed(logger, built, elapsed.TotalSeconds);
        }

        return built;
    }

    [LoggerMessage(EventId = 2410, Level = LogLevel.Information, Message = "Built the btree of {Segments} price segment(s) in {Seconds:F3} s")]
    private static partial void LogIndexed(ILogger logger, int segments, double seconds);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "Building a price segment's btree failed; retrying later (lookups use its BRIN meanwhile)")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception);
}
