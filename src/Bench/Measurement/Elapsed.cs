using System.Diagnostics;

namespace PriceIngest.Bench.Measurement;

/// <summary>Monotonic time stamps in milliseconds.</summary>
public static class Elapsed
{
    public static long Now() => Stopwatch.GetTimestamp();

    public static double MillisecondsSince(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;

    public static double MillisecondsBetween(long start, long end) => Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
}
