using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using PriceIngest.Grains.Coherence;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// Adds up the per-day sums and counts of a set of lanes from this silo's lane grains, after
/// waiting (bounded) for a requested commit to be applied here. Lanes the <see cref="LaneDirectory"/>
/// knows to be empty are skipped without a grain call, active ones are read from
/// <see cref="LaneSnapshots"/> without one. The local rates service and the silo's
/// internal service for gateways both read through it.
/// </summary>
internal sealed class LaneSummer(
    IGrainFactory grains, CommitFeed commits, LaneDirectory directory, LaneSnapshots snapshots)
{
    /// <summary>The last commit sequence this silo has applied to its caches.</summary>
    public long AppliedSeq => commits.Watermark;

    public async Task<DaySums> SumAsync(IReadOnlyList<int> lanes, DateOnly from, DateOnly to, long? minCommitSeq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lanes);

        // The wait comes first: the feed adds a commit's new lanes to the directory before it moves
        // the watermark, so the directory read below knows every lane up to the requested commit.
        if (minCommitSeq is { } seq && !await commits.WaitForAsync(seq, cancellationToken))
        {
            throw new CommitNotVisibleException(seq);
        }

        var sums = new DaySums(from, to.DayNumber - from.DayNumber + 1);
        List<Task<LaneDays>>? pending = null;
        for (var i = 0; i < lanes.Count; i++)
        {
            if (!directory.MayHavePrices(lanes[i]))
            {
                continue;
            }

            // An active lane is read from its published state (see LaneSnapshots for why that is
            // never behind the wait above); only cold lanes cost a grain call, and their load.
            if (snapshots.TryGet(lanes[i], out var published))
            {
                sums.Add(published);
                continue;
            }

            // An activation finishing right now answers inline: add it now rather than collecting a task.
            var call = grains.GetGrain<IPriceGrain>(lanes[i]).GetDaysAsync(from, to, minCommitSeq ?? 0, cancellationToken);
            if (call.IsCompletedSuccessfully)
            {
                sums.Add(call.Result);
            }
            else
            {
                (pending ??= []).Add(call);
            }
        }

        if (pending is null)
        {
            return sums;
        }

        LaneDays[] days;
        try
        {
            days = await Task.WhenAll(pending);
        }
        catch (NpgsqlException e)
        {
            throw new ServiceUnavailableException("the database is unreachable; cold lanes cannot be loaded right now, retry shortly", e);
        }

        // DaySums adds a lane's days (a part of the range) with span loops, vectorised where the
        // hardware allows: element by element through the immutable arrays this was most of a warm
        // region answer (1.2 of 1.6 ms for 175 lanes).
        foreach (var lane in days)
        {
            sums.Add(lane);
        }

        return sums;
    }
}
