using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using PriceIngest.Grains.Hosting;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// Rates as a silo answers them, for its own APIs and for gateways (through <see cref="RatesGrain"/>):
/// resolve both places to lanes; add the lanes active here from their published state; ask every
/// other active silo once for the rest (each adds what it holds, see <see cref="ILaneSumService"/>);
/// and read what nobody holds through the lane grains, which then activate here. Sums and counts
/// add exactly, so the answer does not depend on where the lanes live. In local mode there is no
/// other silo and a warm answer makes no call at all.
/// </summary>
internal sealed partial class ClusterRates(
    ReferenceDataCache reference,
    LaneSummer lanes,
    LaneSumClient silos,
    IClusterMembershipService membership,
    ILocalSiloDetails self,
    IOptions<RatesOptions> options,
    LookupMetrics metrics,
    ILogger<ClusterRates> logger) : IRatesService
{
    public async Task<ImmutableArray<DayRate>> GetRatesAsync(RatesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var startedAt = Stopwatch.GetTimestamp();
        var snapshot = reference.Current;
        var plan = RatesPlan.Create(query, snapshot, options.Value);
        var kind = LookupMetrics.KindOf(query, snapshot);
        var ok = false;
        try
        {
            var rates = await SumAsync(plan, query, cancellationToken);
            ok = true;
            return rates;
        }
        finally
        {
            metrics.Answered(kind, startedAt, ok);
        }
    }

    private async Task<ImmutableArray<DayRate>> SumAsync(RatesPlan plan, RatesQuery query, CancellationToken cancellationToken)
    {
        await lanes.WaitForAsync(query.MinCommitSeq, cancellationToken);
        var sums = new DaySums(query.From, plan.Length);
        var remaining = lanes.AddActive(plan.Lanes, sums);
        metrics.Lanes("cache", plan.Lanes.Length - (remaining?.Count ?? 0));
        try
        {
            if (remaining is not null && OtherActiveSilos.Of(membership, self) is { Count: > 0 } others)
            {
                var before = remaining.Count;
                remaining = await AddFromOtherSilosAsync(others, remaining, query, sums, cancellationToken);
                metrics.Lanes("silo", before - remaining.Count);
            }

            if (remaining is { Count: > 0 })
            {
                await lanes.AddThroughGrainsAsync(remaining, query.From, query.To, query.MinCommitSeq, sums, cancellationToken);
                metrics.Lanes("load", remaining.Count);
            }
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            throw new ServiceUnavailableException("a silo holding some of these lanes is unreachable right now; retry shortly", e);
        }

        return sums.ToRates(query.MinCount);
    }

    /// <summary>Adds what the other silos hold; returns the lanes none of them summed.</summary>
    private async Task<List<int>> AddFromOtherSilosAsync(
        List<SiloAddress> others, List<int> lanes, RatesQuery query, DaySums sums, CancellationToken cancellationToken)
    {
        var request = new LaneSumRequest([.. lanes], query.From, query.To, query.MinCommitSeq ?? 0);
        var replies = await Task.WhenAll(others.Select(async silo =>
        {
            try
            {
                return await silos.On(silo).SumAsync(request, cancellationToken);
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
            {
                // Its lanes are read through their grains below (Orleans reroutes them once it is declared dead).
                LogSiloUnreachable(logger, silo, e);
                return null;
            }
        }));

        var summed = new HashSet<int>();
        foreach (var reply in replies)
        {
            // While membership changes a lane may be active on two silos for a moment: it is added
            // once, and the reply that would add it twice is dropped (its lanes go through their grains).
            if (reply is null || reply.Summed.Length == 0 || reply.Summed.Any(summed.Contains))
            {
                continue;
            }

            sums.Add(reply.Sums, reply.Counts);
            summed.UnionWith(reply.Summed);
        }

        return summed.Count == 0 ? lanes : [.. lanes.Where(lane => !summed.Contains(lane))];
    }

    [LoggerMessage(EventId = 2310, Level = LogLevel.Warning, Message = "Silo {Silo} did not answer a lane sum; its lanes are read through their grains")]
    private static partial void LogSiloUnreachable(ILogger logger, SiloAddress silo, Exception exception);
}
