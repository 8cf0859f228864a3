using Orleans;
using Orleans.Concurrency;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.ReferenceData;

/// <summary><see cref="IReferenceDataGrain"/>: a gateway's reference data upload, applied by the silo it reaches.</summary>
[StatelessWorker]
[Reentrant]
internal sealed class ReferenceDataGrain(IReferenceDataService reference) : Grain, IReferenceDataGrain
{
    public Task<ReferenceUpload> PutRegionsAsync(IReadOnlyList<RegionRow> regions, bool replace, CancellationToken cancellationToken) =>
        reference.PutRegionsAsync(regions, replace, cancellationToken);

    public Task<ReferenceUpload> PutPortsAsync(IReadOnlyList<PortRow> ports, AbsentPorts absent, CancellationToken cancellationToken) =>
        reference.PutPortsAsync(ports, absent, cancellationToken);

    public Task<ReferenceListing> GetAsync(CancellationToken cancellationToken) => reference.GetAsync(cancellationToken);
}
