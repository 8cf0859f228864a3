using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using PriceIngest.Grains.Coherence;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// One lane's per-day sums and counts, dense by day, in memory: the unit of caching. Its activation
/// registers the lane in this silo's <see cref="LaneSnapshots"/>, loads it from PostgreSQL, and
/// withdraws it before it deactivates; in between this silo's <see cref="CommitFeed"/> applies
/// every commit to it in commit order, and warm reads on this silo take the published state
/// without a call. Calls come from cold reads and from other silos.
/// </summary>
/// <remarks>
/// Placed on the silo that first reads it (that silo's lookups then sum it without a call);
/// Orleans's activation rebalancer may move it later, which loads it again on the new silo.
/// </remarks>
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = IdleMinutes)]
internal sealed class PriceGrain(LaneLoader loader, LaneSnapshots snapshots, CommitFeed commits) : Grain, IPriceGrain
{
    private const int IdleMinutes = 15;

    private LanePublication? _published;

    private int Lane => (int)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Registered before the load reads its snapshot: from now on the commit feed applies every
        // commit it sees to this lane, and the ones the snapshot already holds are skipped by sequence.
        var (published, preloading) = snapshots.Activate(Lane);
        _published = published;
        try
        {
            if (preloading is null)
            {
                published.EndLoad(await loader.LoadAsync(Lane).WaitAsync(cancellationToken));
            }
            else
            {
                await preloading.WaitAsync(cancellationToken);

                // The finished load's task holds its state machine: 120 bytes a lane for nothing.
                published.Preloading = null;
                if (published.LoadFailure is { } failure)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                }
            }
        }
        catch (Npgsql.NpgsqlException e)
        {
            // An activation's failure reaches callers on other silos, and Npgsql's exceptions have no
            // Orleans codec (a failover's "no suitable host" became INTERNAL at the gateway).
            snapshots.Withdraw(Lane, published);
            throw new ServiceUnavailableException("the database is unreachable; this lane cannot be loaded right now, retry shortly", e);
        }
        catch
        {
            snapshots.Withdraw(Lane, published);
            throw;
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Before Orleans lets the lane go: from then on the commit feed stops applying commits to it.
        if (_published is { } published)
        {
            snapshots.Withdraw(Lane, published);
        }

        return Task.CompletedTask;
    }

    public async Task<LaneDays> GetDaysAsync(DateOnly from, DateOnly to, long minCommitSeq, CancellationToken cancellationToken)
    {
        if (minCommitSeq > 0 && !await commits.WaitForAsync(minCommitSeq, cancellationToken))
        {
            throw new CommitNotVisibleException(minCommitSeq);
        }

        return LanePublication.Slice(_published!.Days!, from, to);
    }

    /// <remarks>The call itself is what Orleans counts as use.</remarks>
    public Task KeepAliveAsync() => Task.CompletedTask;

    /// <remarks>Activation is the work (<see cref="OnActivateAsync"/>).</remarks>
    public Task WakeAsync() => Task.CompletedTask;
}
