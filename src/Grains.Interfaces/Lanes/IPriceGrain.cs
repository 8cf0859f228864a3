using Orleans;
using Orleans.Concurrency;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// The cache of one lane (origin port to destination port), keyed by <see cref="LaneKey"/>.
/// Loaded from PostgreSQL on activation; kept current by its silo's commit feed.
/// </summary>
[Alias("priceingest.IPriceGrain")]
public interface IPriceGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The lane's per-day sums and counts for the days in [from, to], once its silo has applied
    /// commit <paramref name="minCommitSeq"/> (0: as they are). Throws <see cref="Services.CommitNotVisibleException"/>.
    /// </summary>
    /// <remarks>
    /// Interleaved with the grain's other work: the wait for a commit is the silo's commit feed,
    /// which never needs the grain, and what is read after it is an immutable snapshot.
    /// </remarks>
    [AlwaysInterleave]
    Task<LaneDays> GetDaysAsync(DateOnly from, DateOnly to, long minCommitSeq, CancellationToken cancellationToken);

    /// <summary>
    /// Readers of the lane's published state on its silo make no calls, which Orleans would count
    /// as idle: they send this now and then, so a lane in use stays cached.
    /// </summary>
    [OneWay]
    Task KeepAliveAsync();

    /// <summary>
    /// Returns once the lane is active (wherever Orleans placed it): a cold read that summed the
    /// lane from its own preload wakes the grain afterwards, which then adopts that state.
    /// </summary>
    Task WakeAsync();
}
