using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PriceIngest.Grains.Lanes;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// Runs the cold-read path (lane loads, decoding, day sums) on a few real lanes as the silo starts,
/// until the runtime has compiled it fully; the loads are discarded, so no lane is cached or
/// activated by it. It runs beside the rest of the start instead of delaying it; readiness reports
/// Degraded until it ends (<see cref="WarmUpHealthCheck"/>).
/// </summary>
/// <remarks>
/// A fresh process runs new code at tier 0 and promotes a method only after 30 calls that come
/// after a 100 ms pause in tier-0 compiling. Measured on the bench's first cold reads after a
/// restart: with tiering off they took half the time (cold region year 7.1 against 13.8 ms).
/// A silo restarted in a rolling upgrade would otherwise serve its first cold reads on that code.
/// </remarks>
internal sealed partial class ReadPathWarmUp(
    LaneDirectory directory,
    LaneLoader loader,
    IOptions<RatesOptions> options,
    ILogger<ReadPathWarmUp> logger) : BackgroundService
{
    // Enough calls per phase for the per-query code to pass tiering's 30-call threshold.
    private const int RoundsPerPhase = 32;

    // Longer than tiering's call-counting delay (100 ms), so counting starts in the next phase.
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(150);

    // Tier 0, counted calls, optimised code, and one to see it settle. The rest of a starting
    // process compiles alongside (Orleans, the APIs), so "nothing compiled" may never come.
    private const int MaxPhases = 4;

    // Bounds the start-up time it may add whatever the machine's speed.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    private long _lanesLoaded;

    /// <summary>Lane loads the warm-up made (and discarded).</summary>
    public long LanesLoaded => Interlocked.Read(ref _lanesLoaded);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start: the first await of a BackgroundService is where the start goes on.
        await Task.Yield();
        var lanes = directory.Sample(options.Value.WarmUpLanes);
        if (lanes.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var compiledBefore = JitInfo.GetCompiledMethodCount();
        var (compiled, phases) = (compiledBefore, 0);
        try
        {
            while (phases < MaxPhases && !stoppingToken.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < Budget)
            {
                phases++;
                for (var round = 0; round < RoundsPerPhase; round++)
                {
                    // Mostly one lane at a time (a port lookup), every fourth round all of them (a region).
                    await SumAsync(round % 4 == 0 ? lanes : [lanes[round % lanes.Count]]);
                }

                await Task.Delay(Pause, stoppingToken);

                // Settled early once a whole phase compiled nothing new.
                var now = JitInfo.GetCompiledMethodCount();
                if (now == compiled)
                {
                    break;
                }

                compiled = now;
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // Not worth failing the silo for: the first cold reads then run on code still tiering.
            LogWarmUpFailed(logger, e);
            return;
        }

        var methods = JitInfo.GetCompiledMethodCount() - compiledBefore;
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogWarmedUp(logger, lanes.Count, phases, methods, ms);
    }

    private async Task SumAsync(List<int> lanes)
    {
        var loads = await Task.WhenAll(lanes.Select(loader.LoadAsync));
        Interlocked.Add(ref _lanesLoaded, loads.Length);
        var year = loads.Max(l => l.From);
        var sums = new DaySums(year, 366);
        foreach (var loaded in loads)
        {
            // As an activation publishes its load and a read slices it; nothing is registered.
            var publication = new LanePublication(adopted: false);
            publication.EndLoad(loaded);
            sums.Add(LanePublication.Slice(publication.Days!, year, year.AddDays(30)));
            sums.Add(publication.Days!);
        }

        _ = sums.ToRates(minCount: 3);
    }

    [LoggerMessage(EventId = 2311, Level = LogLevel.Information,
        Message = "Warmed up the cold-read path on {Lanes} lanes in {Phases} phases ({Methods} methods compiled, {Ms:F0} ms)")]
    private static partial void LogWarmedUp(ILogger logger, int lanes, int phases, long methods, double ms);

    [LoggerMessage(EventId = 2312, Level = LogLevel.Warning, Message = "Warming up the cold-read path failed; serving without it")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
}
