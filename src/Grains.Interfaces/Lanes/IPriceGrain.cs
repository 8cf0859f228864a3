using PriceIngest.Runtime;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// The cache of one lane (origin port to destination port), keyed by <see cref="LaneKey"/>.
/// Loaded from PostgreSQL on activation; kept current by commit deltas.
/// </summary>
public interface IPriceGrain : IGrainWithIntegerKey
{
    /// <summary>Adds the per-day sums and counts for the days in [from, to] into the caller's accumulators.</summary>
    Task<LaneDays> GetDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Applies one commit's additions to this lane; ignored when the load already saw that commit.</summary>
    Task ApplyAsync(LaneDelta delta);

    /// <summary>Reads the lane again from PostgreSQL (when a commit's own rows can no longer be told apart).</summary>
    Task ReloadAsync();
}
