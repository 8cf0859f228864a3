namespace PriceIngest.Grains.Services;

/// <summary>
/// Ports and regions. An upload is applied atomically: upsert by key, or with <c>replace</c> the
/// rows absent from the upload are removed. Invalid uploads throw <see cref="ReferenceDataException"/>.
/// </summary>
public interface IReferenceDataService
{
    Task<int> PutRegionsAsync(IReadOnlyList<RegionRow> regions, bool replace, CancellationToken cancellationToken);

    Task<int> PutPortsAsync(IReadOnlyList<PortRow> ports, bool replace, CancellationToken cancellationToken);
}
