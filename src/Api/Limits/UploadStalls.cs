using Microsoft.Extensions.Options;

namespace PriceIngest.Api.Limits;

/// <summary>Starts the stall clock of each upload (<see cref="CallerLimitsOptions.UploadStallTimeout"/>).</summary>
internal sealed class UploadStalls(IOptions<CallerLimitsOptions> options, LimitsMetrics metrics)
{
    public StallGuard Watch(CancellationToken callAborted) => new(options.Value.UploadStallTimeout, metrics, callAborted);
}
