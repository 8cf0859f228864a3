using Microsoft.Extensions.Options;
using Npgsql;
using PriceIngest.Grains.Coherence;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.Services;
using PriceIngest.Runtime;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// Adds up the per-day sums and counts of a set of lanes from this silo's lane grains, after
/// waiting (bounded) for a requested commit to be applied here. The local rates service and the
/// silo's internal service for gateways both read through it.
/// </summary>
public sealed class LaneSummer(IGrainFactory grains, CommitFeed commits, IOptions<CommitFeedOptions> feedOptions)
{
    /// <summary>The last commit sequence this silo has applied to its caches.</summary>
    public long AppliedSeq => commits.Watermark;

    public async Task<DaySums> SumAsync(IReadOnlyList<int> lanes, DateOnly from, DateOnly to, long? minCommitSeq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        if (minCommitSeq is { } seq && !await commits.WaitForAsync(seq, feedOptions.Value.MaxWait, cancellationToken))
        {
            throw new CommitNotVisibleException(seq);
        }

        var calls = new Task<LaneDays>[lanes.Count];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = grains.GetGrain<IPriceGrain>(lanes[i]).GetDaysAsync(from, to, cancellationToken);
        }

        LaneDays[] days;
        try
        {
            days = await Task.WhenAll(calls);
        }
        catch (NpgsqlException e)
        {
            throw new ServiceUnavailableException("the database is unreachable; cold lanes cannot be loaded right now, retry shortly", e);
        }

        var sums = new DaySums(from, to.DayNumber - from.DayNumber + 1);
        foreach (var lane in days)
        {
            sums.Add(lane);
        }

        return sums;
    }
}
