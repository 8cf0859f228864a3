using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>Another upload of the same batch id is still receiving or committing (here or on another silo).</summary>
[GenerateSerializer]
[Alias("priceingest.BatchInProgressException")]
public sealed class BatchInProgressException(string batchId)
    : Exception($"batch '{batchId}' is already being uploaded; retry after that upload has finished")
{
    [Id(0)]
    public string BatchId { get; } = batchId;
}
