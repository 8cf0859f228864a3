using System.Diagnostics;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>The time budget of one start-up, shared by all its steps.</summary>
internal sealed class Deadline(TimeSpan budget)
{
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();

    public TimeSpan Budget { get; } = budget;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_startTimestamp);

    public TimeSpan Remaining => Budget - Elapsed;

    /// <summary>The time limit for the next step: what is left of the budget, at most <paramref name="max"/>.</summary>
    /// <exception cref="TimeoutException">The budget is spent.</exception>
    public TimeSpan Next(TimeSpan? max = null)
    {
        var remaining = Remaining;
        if (remaining <= TimeSpan.Zero)
        {
            throw new TimeoutException("PostgresServerOptions.StartTimeout elapsed.");
        }

        return max is { } limit && limit < remaining ? limit : remaining;
    }
}
