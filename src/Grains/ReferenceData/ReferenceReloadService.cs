using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>This silo's <see cref="IReferenceReloadService"/>.</summary>
internal sealed class ReferenceReloadService(GrainId grainId, Silo silo, ILoggerFactory loggerFactory, ReferenceDataCache cache)
    : GrainService(grainId, silo, loggerFactory), IReferenceReloadService
{
    public Task ReloadAsync(long version, CancellationToken cancellationToken) => cache.ReloadIfOlderAsync(version, cancellationToken);
}
