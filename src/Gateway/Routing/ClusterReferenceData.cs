using PriceIngest.Grains.Services;

namespace PriceIngest.Gateway.Routing;

/// <summary>Reference data uploads through a silo's <see cref="IReferenceDataGrain"/> (idempotent: an upload may be retried).</summary>
internal sealed class ClusterReferenceData(IClusterClient cluster, ClusterCalls calls) : IReferenceDataService
{
    public Task<ReferenceUpload> PutRegionsAsync(IReadOnlyList<RegionRow> regions, bool replace, CancellationToken cancellationToken) =>
        calls.RunAsync(GatewayMetrics.Reference, ct => cluster.GetGrain<IReferenceDataGrain>(0).PutRegionsAsync(regions, replace, ct), cancellationToken);

    public Task<ReferenceUpload> PutPortsAsync(IReadOnlyList<PortRow> ports, AbsentPorts absent, CancellationToken cancellationToken) =>
        calls.RunAsync(GatewayMetrics.Reference, ct => cluster.GetGrain<IReferenceDataGrain>(0).PutPortsAsync(ports, absent, ct), cancellationToken);

    public Task<ReferenceListing> GetAsync(CancellationToken cancellationToken) =>
        calls.RunAsync(GatewayMetrics.Reference, ct => cluster.GetGrain<IReferenceDataGrain>(0).GetAsync(ct), cancellationToken);
}
