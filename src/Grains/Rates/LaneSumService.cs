using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace PriceIngest.Grains.Rates;

/// <summary>This silo's <see cref="ILaneSumService"/>.</summary>
internal sealed class LaneSumService(GrainId grainId, Silo silo, ILoggerFactory loggerFactory, LaneSummer lanes)
    : GrainService(grainId, silo, loggerFactory), ILaneSumService
{
    public async Task<LaneSumReply> SumAsync(LaneSumRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await lanes.WaitForAsync(request.MinCommitSeq > 0 ? request.MinCommitSeq : null, cancellationToken);
        var sums = new DaySums(request.From, request.To.DayNumber - request.From.DayNumber + 1);
        var summed = new List<int>();
        lanes.AddActive(request.Lanes, sums, summed);
        return new LaneSumReply(sums.Sums, sums.Counts, [.. summed]);
    }
}
