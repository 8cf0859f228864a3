using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>The batch exceeds the configured item limit; nothing was written.</summary>
[GenerateSerializer]
[Alias("priceingest.BatchTooLargeException")]
public sealed class BatchTooLargeException(string batchId, long limit)
    : Exception($"batch '{batchId}' has more than {limit} items (Ingest:MaxBatchItems)")
{
    [Id(0)]
    public long Limit { get; } = limit;
}
