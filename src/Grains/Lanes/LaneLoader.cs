using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// Loads cold lanes for <see cref="PriceGrain"/> activations. Requests that arrive while a load
/// runs are coalesced into the next query (<c>lane = any(...)</c>), so a region query that wakes
/// hundreds of lanes costs a few round trips, not hundreds.
/// </summary>
internal sealed class LaneLoader(NpgsqlDataSource dataSource) : BackgroundService
{
    private const int MaxLanesPerQuery = 2_000;
    private const int Workers = 2;

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
            while (await _requests.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxLanesPerQuery && _requests.Reader.TryRead(out var request))
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
        // The partition list is fixed when the query is planned, the data snapshot later; a commit
        // attaching in between would be counted in the sequence but not read. A SHARE lock on the
        // parent (it conflicts with ATTACH) closes that gap; it waits only for a commit's last step.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockParent = new NpgsqlCommand("lock table only prices in share mode", connection, transaction))
        {
            await lockParent.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand("""
            select c.seq, p.lane, p.day_number, p.total, p.n
            from commit_counter c
            left join lateral (
                select lane, day - date '0001-01-01' as day_number, sum(price)::bigint as total, count(*)::int as n
                from prices where lane = any($1)
                group by lane, day
                order by lane, day
            ) p on true
            """, connection, transaction);
        command.Parameters.Add(new() { Value = lanes });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        var days = new Dictionary<int, List<(int Day, long Sum, int Count)>>();
        long seq = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            seq = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                var lane = reader.GetInt32(1);
                if (!days.TryGetValue(lane, out var list))
                {
                    days[lane] = list = [];
                }

                list.Add((reader.GetInt32(2), reader.GetInt64(3), reader.GetInt32(4)));
            }
        }

        var result = new LoadResult(seq);
        foreach (var (lane, list) in days)
        {
            var first = list[0].Day;
            var sums = new long[list[^1].Day - first + 1];
            var counts = new int[sums.Length];
            foreach (var (day, sum, count) in list)
            {
                sums[day - first] = sum;
                counts[day - first] = count;
            }

            result[lane] = new LoadedLane(seq, first, sums, counts);
        }

        return result;
    }

    private sealed class LoadResult(long seq) : Dictionary<int, LoadedLane>
    {
        public long Seq { get; } = seq;
    }
}
