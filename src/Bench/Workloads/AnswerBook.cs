using System.Collections.Concurrent;
using System.Globalization;
using PriceIngest.Bench.Contenders;

namespace PriceIngest.Bench.Workloads;

/// <summary>
/// The expected answer of every benchmarked query (from plain SQL, computed before any timing), and
/// the check every contender's every answer goes through. A difference stops the run.
/// </summary>
public sealed class AnswerBook(ILookupContender truth)
{
    private readonly ConcurrentDictionary<LookupQuery, RateDay[]> _expected = new();
    private long _checked;

    public string Truth => truth.Name;

    /// <summary>Answers compared so far.</summary>
    public long Checked => Interlocked.Read(ref _checked);

    /// <summary>Distinct queries with an expected answer.</summary>
    public int Queries => _expected.Count;

    /// <summary>Asks <see cref="Truth"/> for every query not known yet.</summary>
    public async Task LearnAsync(IEnumerable<LookupQuery> queries, CancellationToken cancellationToken)
    {
        foreach (var query in queries.Distinct())
        {
            if (!_expected.ContainsKey(query))
            {
                _expected[query] = await truth.LookupAsync(query, cancellationToken);
            }
        }
    }

    public RateDay[] Expected(LookupQuery query) =>
        _expected.TryGetValue(query, out var days) ? days : throw new InvalidOperationException($"no expected answer for {query}");

    /// <summary>Throws <see cref="AnswerMismatchException"/> unless <paramref name="actual"/> equals the expected answer.</summary>
    public void Check(string contender, LookupQuery query, RateDay[] actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        Compare(contender, query, Expected(query), actual, truth.Name);
        Interlocked.Increment(ref _checked);
    }

    /// <summary>Throws unless two answers are equal, naming the first difference.</summary>
    public static void Compare(string contender, LookupQuery query, RateDay[] expected, RateDay[] actual, string truthName)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var at = 0;
        while (at < Math.Min(expected.Length, actual.Length) && expected[at] == actual[at])
        {
            at++;
        }

        throw new AnswerMismatchException(string.Create(CultureInfo.InvariantCulture,
            $"{contender} answered {query} differently from {truthName}: {actual.Length} days vs {expected.Length}; first difference at day #{at}: " +
            $"{Show(actual, at)} vs {Show(expected, at)}"));
    }

    private static string Show(RateDay[] days, int at) =>
        at < days.Length ? string.Create(CultureInfo.InvariantCulture, $"{days[at].Day:yyyy-MM-dd} avg {days[at].Average?.ToString(CultureInfo.InvariantCulture) ?? "null"} count {days[at].Count}") : "(none)";
}
