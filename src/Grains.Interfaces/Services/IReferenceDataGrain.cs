using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>Ports and regions for callers outside the silos (gateways): a stateless worker. Use key 0.</summary>
[Alias("priceingest.IReferenceDataGrain")]
public interface IReferenceDataGrain : IGrainWithIntegerKey
{
    /// <summary>As <see cref="IReferenceDataService.PutRegionsAsync"/>.</summary>
    Task<ReferenceUpload> PutRegionsAsync(IReadOnlyList<RegionRow> regions, bool replace, CancellationToken cancellationToken);

    /// <summary>As <see cref="IReferenceDataService.PutPortsAsync"/>.</summary>
    Task<ReferenceUpload> PutPortsAsync(IReadOnlyList<PortRow> ports, AbsentPorts absent, CancellationToken cancellationToken);

    /// <summary>As <see cref="IReferenceDataService.GetAsync"/>.</summary>
    Task<ReferenceListing> GetAsync(CancellationToken cancellationToken);
}
