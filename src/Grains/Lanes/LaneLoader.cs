using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// Loads cold lanes for <see cref="PriceGrain"/> activations. Requests that arrive while a load
/// runs are coalesced into the next query, so a region query that wakes hundreds of lanes costs a
/// few round trips, not hundreds; a large set is split between the workers so that both of
/// PostgreSQL's backends work on it at once.
/// </summary>
internal sealed class LaneLoader(NpgsqlDataSource dataSource) : BackgroundService
{
    private const int MaxLanesPerQuery = 2_000;
    private const int Workers = 2;

    // Below this many queued lanes one worker takes them all: a lane costs a few index probes, a
    // second query a round trip of its own.
    private const int MinLanesToSplit = 32;

    // Lane 0 is no port pair (port ids start at 1): loading it warms the query path and the pool.
    private const int NoLane = 0;

    // One statement per lane probe, whatever the planner knows: a fresh segment has no statistics
    // and `lane = any(...)` over it was planned as a parallel sequential scan with JIT (hundreds
    // of ms). The lateral join makes every lane an index-only descent of each segment's
    // (lane, day) index. Days come unordered; the three arrays of a lane are aligned (one
    // aggregate node). The lock conflicts with ATTACH: the partition list is fixed when the query
    // is planned, the data snapshot later, and a commit attaching in between would be counted in
    // the sequence but not read. It waits only for a commit's last step.
    private const string LockSql = "lock table only prices in share mode";
    private const string NoJitSql = "set local jit = off";
    private const string LoadSql = """
        select c.seq, l.lane, d.days, d.totals, d.counts
        from commit_counter c
        cross join unnest($1::int[]) l(lane)
        cross join lateral (
            select array_agg(g.day_number) as days, array_agg(g.total) as totals, array_agg(g.n) as counts
            from (
                select p.day - date '0001-01-01' as day_number, sum(p.price)::bigint as total, count(*)::int as n
                from prices p where p.lane = l.lane
                group by p.day
            ) g
        ) d
        """;

    private readonly Channel<(int Lane, TaskCompletionSource<LoadedLane> Done)> _requests =
        Channel.CreateUnbounded<(int, TaskCompletionSource<LoadedLane>)>(new() { SingleReader = false });

    public Task<LoadedLane> LoadAsync(int lane)
    {
        var done = new TaskCompletionSource<LoadedLane>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_requests.Writer.TryWrite((lane, done)))
        {
            done.SetException(new ObjectDisposedException(nameof(LaneLoader)));
        }

        return done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(int Lane, TaskCompletionSource<LoadedLane> Done)>();
        try
        {
            // Each worker opens its pooled connection and runs the query once before the first
            // cold lane needs it. Failure is fine: the first real load opens one then.
            try
            {
                await QueryAsync([NoLane], stoppingToken);
            }
            catch (NpgsqlException)
            {
            }

            while (await _requests.Reader.WaitToReadAsync(stoppingToken))
            {
                // The activations of one request queue their lanes a few microseconds apart: one
                // turn of the thread pool lets them arrive and share this query.
                await Task.Yield();
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
                    var loaded = await QueryAsync(batch.Select(r => r.Lane).Distinct().ToArray(), stoppingToken);
                    foreach (var (lane, done) in batch)
                    {
                        done.TrySetResult(loaded.TryGetValue(lane, out var hit) ? hit : LoadedLane.Empty(loaded.Seq));
                    }
                }
                catch (Exception e)
                {
                    // The activations fail and are retried by their next call; the loader goes on.
                    batch.ForEach(r => r.Done.TrySetException(e));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            batch.ForEach(r => r.Done.TrySetCanceled(stoppingToken));
        }
    }

    private async Task<LoadResult> QueryAsync(int[] lanes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // BEGIN goes out with the batch: one round trip for the query, one for COMMIT.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { new(NoJitSql), new(LockSql), new(LoadSql) { Parameters = { new() { Value = lanes } } } },
        };

        var result = new LoadResult();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // Every row carries the sequence of the one snapshot the query read.
                result.Seq = reader.GetInt64(0);
                if (reader.IsDBNull(2))
                {
                    continue;
                }

                var days = reader.GetFieldValue<int[]>(2);
                var totals = reader.GetFieldValue<long[]>(3);
                var counts = reader.GetFieldValue<int[]>(4);
                int first = int.MaxValue, last = int.MinValue;
                foreach (var day in days)
                {
                    first = Math.Min(first, day);
                    last = Math.Max(last, day);
                }

                var denseSums = new long[last - first + 1];
                var denseCounts = new int[denseSums.Length];
                for (var i = 0; i < days.Length; i++)
                {
                    denseSums[days[i] - first] = totals[i];
                    denseCounts[days[i] - first] = counts[i];
                }

                result[reader.GetInt32(1)] = new LoadedLane(result.Seq, first, denseSums, denseCounts);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private sealed class LoadResult : Dictionary<int, LoadedLane>
    {
        public long Seq { get; set; }
    }
}
