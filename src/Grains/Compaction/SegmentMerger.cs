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

    /// <summary>Runs one merge if one is due; returns the number of segments merged (0 if none).</summary>
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
            insert into segments (seg, rows, created_at) select $1, $3, min(created_at) from old
            """, cancellationToken, merged, victims, rows);
        await transaction.CommitAsync(cancellationToken);
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        LogMerged(logger, victims.Length, rows, merged, seconds);
        return victims.Length;
    }

    private static async Task<int[]> PickAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SegmentMergeOptions settings, CancellationToken cancellationToken)
    {
        // Size-tiered: merge the smallest old segments, enough of them to get back to half the cap,
        // so big segments are rarely rewritten.
        await using var command = new NpgsqlCommand("""
            with live as (select seg, rows, created_at from segments where merged_into is null),
                 due as (select case when count(*) > $1 then count(*) - $1 / 2 + 1 else 0 end as n from live)
            select seg from live
            where created_at < now() - $2
            order by rows, seg
            limit (select n from due)
            """, connection, transaction);
        command.Parameters.Add(new() { Value = settings.MaxSegments });
        command.Parameters.Add(new() { Value = settings.MinAge });
        var segments = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            segments.Add(reader.GetInt32(0));
        }

        return [.. segments];
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
