using PriceIngest.Bench.Contenders;
using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Workloads;

/// <summary>
/// N callers in a closed loop over a query list until <c>maxRequests</c> have started or
/// <c>maxTime</c> has passed; the rate counts completed lookups over the wall time until the last
/// one finished. Every answer is checked.
/// </summary>
public static class ThroughputWorkload
{
    public static async Task<ThroughputResult> RunAsync(
        ILookupContender contender, IReadOnlyList<LookupQuery> queries, int concurrency, int maxRequests, TimeSpan maxTime,
        AnswerBook book, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contender);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(book);
        var next = -1;
        var started = Elapsed.Now();
        var deadline = started + (long)(maxTime.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var latencies = new List<double>[concurrency];

        async Task CallerAsync(int caller)
        {
            var mine = latencies[caller] = new List<double>(1024);
            await Task.Yield();
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= maxRequests || Elapsed.Now() >= deadline)
                {
                    return;
                }

                var query = queries[i % queries.Count];
                var sent = Elapsed.Now();
                var answer = await contender.LookupAsync(query, cancellationToken);
                mine.Add(Elapsed.MillisecondsSince(sent));
                book.Check(contender.Name, query, answer);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(CallerAsync));
        var seconds = Elapsed.MillisecondsSince(started) / 1000;
        var all = latencies.SelectMany(l => l).ToArray();
        return new(concurrency, all.Length, seconds, all.Length / seconds, Samples.Of(all));
    }
}
