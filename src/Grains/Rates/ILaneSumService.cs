using Orleans;
using Orleans.Concurrency;
using Orleans.Services;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// One per silo (an Orleans grain service): sums the lanes of a lookup that are active on that
/// silo, from their published state, so a lookup costs one call per other silo instead of one per lane.
/// </summary>
[Alias("priceingest.ILaneSumService")]
internal interface ILaneSumService : IGrainService
{
    /// <remarks>Interleaved: it only reads published, immutable lane states after a bounded wait.</remarks>
    [AlwaysInterleave]
    Task<LaneSumReply> SumAsync(LaneSumRequest request, CancellationToken cancellationToken);
}

/// <summary>Lanes to sum over the days <c>From .. To</c>, once the silo has applied <see cref="MinCommitSeq"/> (0: as they are).</summary>
[GenerateSerializer]
[Alias("priceingest.LaneSumRequest")]
[Immutable]
internal sealed record LaneSumRequest(int[] Lanes, DateOnly From, DateOnly To, long MinCommitSeq);

/// <summary>The summed days, and which of the requested lanes were active there (the others were not summed).</summary>
[GenerateSerializer]
[Alias("priceingest.LaneSumReply")]
[Immutable]
internal sealed record LaneSumReply(long[] Sums, int[] Counts, int[] Summed);
