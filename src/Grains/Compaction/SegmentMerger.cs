using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PriceIngest.Grains.Compaction;

/// <summary>
/// Keeps the number of price segments bounded: merges the smallest old segments into one, in one
/// transaction (copy sorted, index, then detach the old ones and attach the new one), so readers see
/// either the old segments or the merged one, never both or neither. One silo merges at a time.
/// </summary>
public sealed partial class SegmentMerger(NpgsqlDataSource dataSource, IOptions<SegmentMergeOptions> options, ILogger<SegmentMerger> logger)
    : BackgroundService
{
    // "PIMERGE!": held by the one silo that merges.
    private const long MergeLockKey = 0x50494D4552474521;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await MergeIfDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // Lock timeout, a lost connection: nothing changed; the next tick tries again.
                LogMergeFailed(logger, e);
            }
        }
    }

    /// <summary>
    /// Runs one merge if one is due; returns the number of segments merged (0 if none). Segments still
    /// waiting for their btree are left alone: the swap would wait on the builder's lock while it
    /// holds the ACCESS EXCLUSIVE lock that blocks every reader of <c>prices</c>.
    /// </summary>
    public async Task<int> MergeIfDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(connection, transaction, "select pg_try_advisory_xact_lock($1)", cancellationToken, MergeLockKey))
        {
            return 0;
        }

        var settings = options.Value;
        var victims = await PickAsync(connection, transaction, settings, cancellationToken);
        if (victims.Length < 2)
        {
            return 0;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var merged = await ScalarAsync<int>(connection, transaction, "select nextval('price_segments')::int", cancellationToken);
        await ScalarAsync<string>(connection, transaction, "select create_price_segment($1)", cancellationToken, merged);
        var rows = await ScalarAsync<long>(connection, transaction, "select fill_price_segment($1, $2)", cancellationToken, merged, victims);

        await ExecuteAsync(connection, transaction, "select set_config('lock_timeout', $1, true)", cancellationToken,
            ((int)settings.LockTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ExecuteAsync(connection, transaction, """
            select swap_price_segments($1, $2);
            """, cancellationToken, merged, victims);
        await ExecuteAsync(connection, transaction, """
            with old as (update segments set merged_into = $1 where seg = any($2) returning created_at)
            insert into segments (seg, rows, created_at, indexed_at) select $1, $3, min(created_at), clock_timestamp() from old
            """, cancellationToken, merged, victims, rows);
        await transaction.CommitAsync(cancellationToken);
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        LogMerged(logger, victims.Length, rows, merged, seconds);
        return victims.Length;
    }

    private static async Task<int[]> PickAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SegmentMergeOptions settings, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            select seg, rows, created_at < now() - $1 and indexed_at is not null as old
            from segments where merged_into is null
            order by rows, seg
            """, connection, transaction);
        command.Parameters.Add(new() { Value = settings.MinAge });
        var live = new List<(int Segment, long Rows, bool Old)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                live.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetBoolean(2)));
            }
        }

        return Pick(live, settings.MaxSegments);
    }

    /// <summary>
    /// Size-tiered choice: the smallest old segments, enough to get back to half the cap, but never
    /// one more than twice the size of all those already chosen together, so a big segment is not
    /// rewritten again and again just to absorb small ones.
    /// </summary>
    internal static int[] Pick(IReadOnlyList<(int Segment, long Rows, bool Old)> liveBySize, int maxSegments)
    {
        if (liveBySize.Count <= maxSegments)
        {
            return [];
        }

        var wanted = liveBySize.Count - (maxSegments / 2) + 1;
        var chosen = new List<int>();
        long chosenRows = 0;
        foreach (var (segment, rows, old) in liveBySize.Where(s => s.Old))
        {
            if (chosen.Count == wanted || (chosen.Count >= 2 && rows > 2 * chosenRows))
            {
                break;
            }

            chosen.Add(segment);
            chosenRows += rows;
        }

        return chosen.Count >= 2 ? [.. chosen] : [];
    }

#pragma warning disable CA2100 // every SQL text here is a constant of this class
    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] args)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var arg in args)
        {
            command.Parameters.Add(new() { Value = arg });
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] args)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var arg in args)
        {
            command.Parameters.Add(new() { Value = arg });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
#pragma warning restore CA2100

    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "Merged {Segments} price segments ({Rows} rows) into segment {Merged} in {Seconds:F2} s")]
    private static partial void LogMerged(ILogger logger, int segments, long rows, int merged, double seconds);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Merging price segments failed; nothing changed, retrying later")]
    private static partial void LogMergeFailed(ILogger logger, Exception exception);
}
