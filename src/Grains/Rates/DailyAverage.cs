namespace PriceIngest.Grains.Rates;

/// <summary>Averages as PostgreSQL's <c>round(avg(price))</c> gives them: half away from zero.</summary>
public static class DailyAverage
{
    /// <summary>Rounded average of <paramref name="count"/> positive prices summing to <paramref name="sum"/>; null under <paramref name="minCount"/>.</summary>
    public static long? Of(long sum, int count, int minCount)
    {
        if (count == 0 || count < minCount)
        {
            return null;
        }

        // Exact integer arithmetic: floor(sum / count + 1/2) for non-negative sums.
        return ((2 * sum) + count) / (2L * count);
    }
}
