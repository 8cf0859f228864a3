namespace PriceIngest.Grains.Services;

/// <summary>
/// Ports and regions. An upload is applied atomically: upsert by key, or with <c>replace</c> (for
/// ports, <see cref="AbsentPorts"/>) the rows absent from the upload are removed. Invalid uploads
/// throw <see cref="ReferenceDataException"/>; removals that stored prices or ports still need
/// throw <see cref="ReferenceDataConflictException"/>.
/// </summary>
public interface IReferenceDataService
{
    Task<ReferenceUpload> PutRegionsAsync(IReadOnlyList<RegionRow> regions, bool replace, CancellationToken cancellationToken);

    Task<ReferenceUpload> PutPortsAsync(IReadOnlyList<PortRow> ports, AbsentPorts absent, CancellationToken cancellationToken);

    /// <summary>Every port and region, as the serving silo's reference data has them.</summary>
    Task<ReferenceListing> GetAsync(CancellationToken cancellationToken);
}
