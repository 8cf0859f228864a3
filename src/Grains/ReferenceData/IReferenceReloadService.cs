using Orleans;
using Orleans.Concurrency;
using Orleans.Services;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>
/// One per silo (an Orleans grain service): loads the reference data when the database holds a
/// newer version than the silo's cache, so an upload can make every silo use it before answering.
/// </summary>
[Alias("priceingest.IReferenceReloadService")]
internal interface IReferenceReloadService : IGrainService
{
    /// <remarks>Interleaved: reloads run one at a time inside the cache.</remarks>
    [AlwaysInterleave]
    Task ReloadAsync(long version, CancellationToken cancellationToken);
}
