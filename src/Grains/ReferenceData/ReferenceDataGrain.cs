using Orleans;
using Orleans.Concurrency;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.ReferenceData;

/// <summary><see cref="IReferenceDataGrain"/>: a gateway's reference data upload, applied by the silo it reaches.</summary>
[StatelessWorker]
[Reentrant]
internal sealed class ReferenceDataGrain(IReferenceDataService reference) : Grain, IReferenceDataGrain
{
    public Task<int> PutRegionsAsync(IReadOnlyList<RegionRow> regions, bool replace, CancellationToken cancellationToken) =>
        reference.PutRegionsAsync(regions, replace, cancellationToken);

    public Task<int> PutPortsAsync(IReadOnlyList<PortRow> ports, bool replace, CancellationToken cancellationToken) =>
        reference.PutPortsAsync(ports, replace, cancellationToken);
}
