using PriceIngest.Bench.Contenders;
using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Workloads;

/// <summary>
/// Concurrency 1: one query at a time, the contenders alternating on every query (in rotating
/// order, so none always goes first). Every answer is checked.
/// </summary>
public static class LatencyWorkload
{
    public static async Task<Dictionary<string, List<double>>> RunAsync(
        IReadOnlyList<ILookupContender> contenders, IReadOnlyList<LookupQuery> queries, int samples, AnswerBook book, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contenders);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(book);
        var timings = contenders.ToDictionary(c => c.Name, _ => new List<double>(samples), StringComparer.Ordinal);
        for (var i = 0; i < samples; i++)
        {
            var query = queries[i % queries.Count];
            for (var j = 0; j < contenders.Count; j++)
            {
                var contender = contenders[(i + j) % contenders.Count];
                var started = Elapsed.Now();
                var answer = await contender.LookupAsync(query, cancellationToken);
                timings[contender.Name].Add(Elapsed.MillisecondsSince(started));
                book.Check(contender.Name, query, answer);
            }
        }

        return timings;
    }
}
