using System.Buffers;
using System.Diagnostics;
using System.Buffers.Binary;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// Loads cold lanes for <see cref="PriceGrain"/> activations. Requests that arrive while a load
/// runs are coalesced into the next query, so a region query that wakes hundreds of lanes costs a
/// few round trips, not hundreds; a large set is split between the workers so that two PostgreSQL
/// backends work on it at once. Each worker keeps its own connection with the query prepared.
/// </summary>
internal sealed class LaneLoader(NpgsqlDataSource dataSource) : BackgroundService
{
    private const int MaxLanesPerQuery = 2_000;
    private const int Workers = 2;

    // Below this many queued lanes one worker takes them all: a lane costs a few index probes, a
    // second query a round trip of its own.
    private const int MinLanesToSplit = 32;

    // At most this many thread-pool turns spent waiting for a request's lanes to arrive.
    private const int MaxGatherTurns = 16;

    // Lane 0 is no port pair (port ids start at 1): loading it prepares a worker before the first cold lane.
    private const int NoLane = 0;

    // The planner's cost of a large lane set would otherwise switch JIT on: tens to hundreds of ms
    // of compiling for a query that runs in a few. Local to the load's transaction.
    private const string NoJitSql = "set local jit = off";

    // A segment between its commit and its btree (SegmentIndexer) has only a BRIN and no statistics;
    // left to itself the planner scans it whole for every lane (28 ms per lane at 1,000,000 rows),
    // where the BRIN reads a few page ranges (0.25 ms). Every other segment is probed by its btree.
    private const string NoSeqScanSql = "set local enable_seqscan = off";

    // The lock conflicts with ATTACH: the partition list is fixed when the query is planned, the
    // data snapshot later, and a commit attaching in between would be counted in the sequence but
    // not read. It waits only for a commit's last step.
    private const string LockSql = "lock table only prices in share mode";

    // One index probe per lane and segment, whatever the planner knows: a fresh segment has no
    // statistics, and `lane = any(...)` over it was planned as a parallel sequential scan with JIT
    // (hundreds of ms). The lateral join makes every lane an index-only descent of each segment's
    // (lane, day) index. The prices come raw, packed per lane into one bytea of big-endian
    // (day - 2000-01-01, price) int pairs: summing them per day here is cheaper than grouping in
    // PostgreSQL, and one bytea decodes far faster than rows or arrays (measured on 32 lanes,
    // 10,517 prices: 2-5 ms against 5-11 for rows, 9-19 for two arrays).
    private const string LoadSql = """
        select c.seq, l.lane, d.prices
        from commit_counter c
        cross join unnest($1::int[]) l(lane)
        cross join lateral (
            select string_agg(int4send(p.day - date '2000-01-01') || int4send(p.price), ''::bytea) as prices
            from prices p where p.lane = l.lane
        ) d
        """;

    private const int PackedPriceBytes = 8;

    private static readonly int PgEpochDayNumber = new DateOnly(2000, 1, 1).DayNumber;

    private readonly Channel<LaneLoadRequest> _requests = Channel.CreateUnbounded<LaneLoadRequest>(new() { SingleReader = false });

    public Task<LaneDays> LoadAsync(int lane)
    {
        var done = new TaskCompletionSource<LaneDays>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_requests.Writer.TryWrite(new(lane, done, Activity.Current?.Context ?? default)))
        {
            done.SetException(new ObjectDisposedException(nameof(LaneLoader)));
        }

        return done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        var batch = new List<LaneLoadRequest>();
        await using var worker = new Worker(dataSource);
        try
        {
            // Connect and prepare now rather than in the first cold read. Failure is fine: the
            // first real load tries again.
            try
            {
                await worker.LoadAsync([NoLane], static _ => { }, stoppingToken);
            }
            catch (NpgsqlException)
            {
            }

            while (await _requests.Reader.WaitToReadAsync(stoppingToken))
            {
                // The activations of one request queue their lanes over up to a few hundred
                // microseconds: yield while the queue still grows, so that they share this query
                // (and the other worker's) rather than trickle into one small query after another.
                for (var (seen, turns) = (-1, 0); _requests.Reader.Count != seen && turns < MaxGatherTurns; turns++)
                {
                    seen = _requests.Reader.Count;
                    await Task.Yield();
                }

                batch.Clear();
                var take = Math.Min(MaxLanesPerQuery, Math.Max(MinLanesToSplit, (_requests.Reader.Count + Workers - 1) / Workers));
                while (batch.Count < take && _requests.Reader.TryRead(out var request))
                {
                    batch.Add(request);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    using var span = LaneLoadTracing.Start(batch);
                    await worker.LoadAsync(batch.Select(r => r.Lane).Distinct().ToArray(), loaded =>
                    {
                        foreach (var (lane, done, _) in batch)
                        {
                            done.TrySetResult(loaded.TryGetValue(lane, out var hit) ? hit : LaneDays.Empty(loaded.Seq));
                        }
                    }, stoppingToken);
                }
                catch (Exception e)
                {
                    // The activations not answered yet fail and are retried by their next call; the
                    // loader goes on (with a new connection if this one broke).
                    batch.ForEach(r => r.Done.TrySetException(e));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            batch.ForEach(r => r.Done.TrySetCanceled(stoppingToken));
        }
    }

    /// <summary>One worker's connection, held across loads (no pool reset, the statements stay prepared).</summary>
    private sealed class Worker(NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        private NpgsqlConnection? _connection;
        private NpgsqlBatch? _load;

        /// <summary>Reads the lanes in one snapshot and hands them to <paramref name="loaded"/> before the (read-only) transaction ends.</summary>
        public async Task LoadAsync(int[] lanes, Action<LoadResult> loaded, CancellationToken cancellationToken)
        {
            try
            {
                var (connection, load) = await ConnectAsync(cancellationToken);

                // BEGIN goes out with the batch: one round trip for it, the lock and the query.
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                load.Transaction = transaction;
                load.BatchCommands[^1].Parameters[0].Value = lanes;
                var result = new LoadResult();
                await using (var reader = await load.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        // Every row carries the sequence of the one snapshot the query read.
                        result.Seq = reader.GetInt64(0);
                        if (!reader.IsDBNull(2))
                        {
                            // Into a pooled buffer: a new array per lane was most of what a warm-up of
                            // every lane left for the GC (about 8 MB for 2,775 lanes), resident after.
                            var length = (int)reader.GetBytes(2, 0, null, 0, 0);
                            var packed = ArrayPool<byte>.Shared.Rent(length);
                            try
                            {
                                reader.GetBytes(2, 0, packed, 0, length);
                                result[reader.GetInt32(1)] = Densify(result.Seq, packed.AsSpan(0, length));
                            }
                            finally
                            {
                                ArrayPool<byte>.Shared.Return(packed);
                            }
                        }
                    }
                }

                // The snapshot is read: the waiting activations need not wait for COMMIT too.
                loaded(result);
                await transaction.CommitAsync(cancellationToken);
            }
            catch
            {
                await DisconnectAsync();
                throw;
            }
        }

        public ValueTask DisposeAsync() => DisconnectAsync();

        private static LaneDays Densify(long seq, ReadOnlySpan<byte> packed)
        {
            int first = int.MaxValue, last = int.MinValue;
            for (var at = 0; at + PackedPriceBytes <= packed.Length; at += PackedPriceBytes)
            {
                var day = BinaryPrimitives.ReadInt32BigEndian(packed[at..]);
                first = Math.Min(first, day);
                last = Math.Max(last, day);
            }

            // Summed as longs in a pooled buffer; the lane keeps them as ints when they fit.
            var length = last - first + 1;
            var sums = ArrayPool<long>.Shared.Rent(length);
            try
            {
                Array.Clear(sums, 0, length);
                var counts = new int[length];
                for (var at = 0; at + PackedPriceBytes <= packed.Length; at += PackedPriceBytes)
                {
                    var day = BinaryPrimitives.ReadInt32BigEndian(packed[at..]) - first;
                    sums[day] += BinaryPrimitives.ReadInt32BigEndian(packed[(at + 4)..]);
                    counts[day]++;
                }

                return LaneDays.Of(DateOnly.FromDayNumber(PgEpochDayNumber + first), sums.AsSpan(0, length), counts, seq);
            }
            finally
            {
                ArrayPool<long>.Shared.Return(sums);
            }
        }

        private async Task<(NpgsqlConnection, NpgsqlBatch)> ConnectAsync(CancellationToken cancellationToken)
        {
            if (_connection is not null && _load is not null)
            {
                return (_connection, _load);
            }

            _connection = await dataSource.OpenConnectionAsync(cancellationToken);
            _load = new NpgsqlBatch(_connection)
            {
                BatchCommands = { new(NoJitSql), new(NoSeqScanSql), new(LockSql), new(LoadSql) { Parameters = { new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer } } } },
            };
            await _load.PrepareAsync(cancellationToken);
            return (_connection, _load);
        }

        private async ValueTask DisconnectAsync()
        {
            if (_load is not null)
            {
                await _load.DisposeAsync();
                _load = null;
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }
        }
    }

    private sealed class LoadResult : Dictionary<int, LaneDays>
    {
        public long Seq { get; set; }
    }
}
