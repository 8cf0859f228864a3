using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Storage;

namespace PriceIngest.Grains.Coherence;

/// <summary>
/// Keeps this silo's cached lanes equal to PostgreSQL. Commits are applied strictly in commit
/// sequence order, from memory when this silo made the commit, else from the commit's segment.
/// LISTEN/NOTIFY wakes it; a periodic poll repairs a lost notification. <see cref="Watermark"/>
/// is the highest sequence such that every commit up to it is reflected in every active lane and in
/// the <see cref="LaneDirectory"/> (which lanes hold prices).
/// </summary>
internal sealed partial class CommitFeed(
    NpgsqlDataSource dataSource,
    ReferenceDataCache reference,
    LaneSnapshots active,
    LaneLoader loader,
    LaneDirectory directory,
    IOptions<CommitFeedOptions> options,
    ILogger<CommitFeed> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _gate = new();
    private readonly Dictionary<long, (int Segment, StagedRows Rows)> _local = [];
    private readonly List<(long Seq, TaskCompletionSource Done)> _waiters = [];
    private long _watermark = -1;
    private long _head = -1;
    private long _behindSince;

    public long Watermark => Interlocked.Read(ref _watermark);

    /// <summary>Commits this silo knows were made but has not applied yet (0 when caught up).</summary>
    public long LagCommits => Math.Max(0, Interlocked.Read(ref _head) - Watermark);

    /// <summary>How long this silo has been behind the newest commit it knows of (zero when caught up).</summary>
    public TimeSpan LagTime => Interlocked.Read(ref _behindSince) is var since and > 0 ? System.Diagnostics.Stopwatch.GetElapsedTime(since) : TimeSpan.Zero;

    /// <summary>
    /// Called by the committing grain just before COMMIT, so the NOTIFY that the commit sends
    /// never makes this silo read back a segment it has in memory. Keyed by sequence and segment:
    /// a rolled-back commit's sequence is reused by the next commit, its segment id never is.
    /// </summary>
    internal void ExpectLocal(long commitSeq, int segment, StagedRows rows)
    {
        lock (_gate)
        {
            _local[commitSeq] = (segment, rows);
        }
    }

    /// <summary>The commit announced with <see cref="ExpectLocal"/> did not happen.</summary>
    internal void ForgetLocal(long commitSeq, int segment)
    {
        lock (_gate)
        {
            if (_local.TryGetValue(commitSeq, out var local) && local.Segment == segment)
            {
                _local.Remove(commitSeq);
            }
        }
    }

    /// <summary>Called by the committing grain after COMMIT: waits until the batch is applied here, before it answers.</summary>
    internal async Task WaitAppliedAsync(long commitSeq)
    {
        _wake.Release();
        if (!await WaitForAsync(commitSeq, options.Value.MaxWait, CancellationToken.None))
        {
            LogLocalApplyLate(logger, commitSeq);
        }
    }

    /// <summary>True once commit <paramref name="commitSeq"/> is applied here; false after <see cref="CommitFeedOptions.MaxWait"/>.</summary>
    public Task<bool> WaitForAsync(long commitSeq, CancellationToken cancellationToken) =>
        WaitForAsync(commitSeq, options.Value.MaxWait, cancellationToken);

    /// <summary>True once commit <paramref name="commitSeq"/> is applied here; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForAsync(long commitSeq, TimeSpan timeout, CancellationToken cancellationToken)
    {
        (long, TaskCompletionSource) waiter;
        lock (_gate)
        {
            if (_watermark >= commitSeq)
            {
                return true;
            }

            waiter = (commitSeq, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Add(waiter);
        }

        _wake.Release();
        try
        {
            await waiter.Item2.Task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            // A reader that gave up must not stay listed (a huge sequence would otherwise pile up).
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Nothing is cached yet, so everything committed before now is already "applied".
        // Done before the silo serves anything (hosted services start in order).
        await using (var start = dataSource.CreateCommand("select seq from commit_counter"))
        {
            Interlocked.Exchange(ref _watermark, (long)(await start.ExecuteScalarAsync(cancellationToken))!);
        }

        // After the watermark, so the directory holds every lane of every commit up to it.
        await directory.LoadAsync(cancellationToken);

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = ListenAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(options.Value.PollInterval, stoppingToken);
                await reference.ReloadIfChangedAsync(stoppingToken);
                await CatchUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Never let the feed stop the silo: the watermark stays put (reads asking for newer
                // commits get 503) and the next poll tries again.
                LogCatchUpFailed(logger, e);
            }
        }

        await listener;
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var pending = new List<(long Seq, int Segment)>();
        await using (var command = dataSource.CreateCommand(
            "select commit_seq, seg from batches where commit_seq > $1 order by commit_seq"))
        {
            command.Parameters.Add(new() { Value = Watermark });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pending.Add((reader.GetInt64(0), reader.GetInt32(1)));
            }
        }

        if (pending.Count > 0)
        {
            Interlocked.Exchange(ref _head, Math.Max(Interlocked.Read(ref _head), pending[^1].Seq));
            Interlocked.CompareExchange(ref _behindSince, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
        }

        foreach (var (seq, segment) in pending)
        {
            StagedRows? rows = null;
            lock (_gate)
            {
                if (_local.Remove(seq, out var local) && local.Segment == segment)
                {
                    rows = local.Rows;
                }
            }

            if (rows is not null)
            {
                AddLanes(rows);
                Apply(FromRows(seq, rows));
            }
            else if (await FromSegmentAsync(seq, segment, cancellationToken) is { } deltas)
            {
                Apply(deltas);
            }
            else
            {
                LogSegmentMerged(logger, seq, segment);

                // Which lanes the merged segment gave prices is lost with it: read them all again.
                await directory.LoadAsync(cancellationToken);
                await active.ReloadAllAsync(loader);
            }

            // Only now: the directory and the lanes above hold this commit before readers may ask for it.
            Advance(seq);
        }
    }

    private void AddLanes(StagedRows rows)
    {
        var keys = rows.Keys;
        for (var start = 0; start < keys.Length;)
        {
            var lane = StagedRows.LaneOf(keys[start]);
            directory.Add(lane);
            start = rows.RangeOf(lane).End;
        }
    }

    private void Apply(List<(int Lane, LaneDelta Delta)> deltas)
    {
        foreach (var (lane, delta) in deltas)
        {
            active.Apply(lane, delta);
        }
    }

    private List<(int Lane, LaneDelta Delta)> FromRows(long seq, StagedRows rows)
    {
        var deltas = new List<(int, LaneDelta)>();
        var keys = rows.Keys;
        for (var start = 0; start < keys.Length;)
        {
            var lane = StagedRows.LaneOf(keys[start]);
            var end = rows.RangeOf(lane).End;
            if (active.IsActive(lane))
            {
                var days = ImmutableArray.CreateBuilder<DayTotal>();
                for (var i = start; i < end; i++)
                {
                    var day = StagedRows.DayNumberOf(keys[i]);
                    if (days.Count > 0 && days[^1].DayNumber == day)
                    {
                        days[^1] = days[^1] with { Sum = days[^1].Sum + rows.Prices[i], Count = days[^1].Count + 1 };
                    }
                    else
                    {
                        days.Add(new(day, rows.Prices[i], 1));
                    }
                }

                deltas.Add((lane, new LaneDelta(seq, days.DrainToImmutable())));
            }

            start = end;
        }

        return deltas;
    }

    /// <summary>
    /// The per-lane deltas of a commit made elsewhere, read from its segment; null if the segment
    /// was merged away meanwhile (its table is gone).
    /// </summary>
    /// <remarks>
    /// The segment's own table is read, never <c>prices where seg = $1</c>: PostgreSQL makes a
    /// commit visible before it broadcasts the catalog change of its ATTACH, so a reader of the
    /// parent that does not wait for the committer's locks can plan with a partition list that
    /// lacks the new segment and read nothing (seen under load: one commit silently missed).
    /// Naming the table makes the read wait for the committer's lock on it, hence for the broadcast.
    /// </remarks>
    private async Task<List<(int Lane, LaneDelta Delta)>?> FromSegmentAsync(long seq, int segment, CancellationToken cancellationToken)
    {
        var byLane = new Dictionary<int, ImmutableArray<DayTotal>.Builder>();
#pragma warning disable CA2100 // the table name is built from an int
        await using var command = dataSource.CreateCommand($"""
            select lane, day - date '0001-01-01', sum(price)::bigint, count(*)::int
            from prices_s{segment.ToString(CultureInfo.InvariantCulture)} group by lane, day order by lane, day
            """);
#pragma warning restore CA2100
        NpgsqlDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }

        await using var owned = reader;
        while (await reader.ReadAsync(cancellationToken))
        {
            var lane = reader.GetInt32(0);
            directory.Add(lane);
            if (!active.IsActive(lane))
            {
                continue;
            }

            if (!byLane.TryGetValue(lane, out var days))
            {
                byLane[lane] = days = ImmutableArray.CreateBuilder<DayTotal>();
            }

            days.Add(new(reader.GetInt32(1), reader.GetInt64(2), reader.GetInt32(3)));
        }

        return [.. byLane.Select(p => (p.Key, new LaneDelta(seq, p.Value.DrainToImmutable())))];
    }

    private void Advance(long seq)
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _watermark, seq);
            if (seq >= Interlocked.Read(ref _head))
            {
                Interlocked.Exchange(ref _behindSince, 0);
            }

            foreach (var stale in _local.Keys.Where(k => k <= seq).ToList())
            {
                _local.Remove(stale);
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Seq <= seq)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => _wake.Release();
                await using (var listen = new NpgsqlCommand($"listen {SegmentWriter.CommitChannel}; listen {ReferenceDataCache.ChangeChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                // The poll keeps caches correct meanwhile; reconnect after a pause.
                LogListenFailed(logger, e);
                await Task.Delay(options.Value.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "Catching up with commits failed; retrying on the next poll")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Listening for commit notifications failed; polling until reconnected")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning,
        Message = "Commit {CommitSeq}'s segment {Segment} was merged before this silo applied it; reloading every cached lane")]
    private static partial void LogSegmentMerged(ILogger logger, long commitSeq, int segment);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Commit {CommitSeq} was not applied to this silo's caches in time; the poll will apply it")]
    private static partial void LogLocalApplyLate(ILogger logger, long commitSeq);
}
