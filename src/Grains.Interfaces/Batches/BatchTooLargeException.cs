namespace PriceIngest.Grains.Batches;

/// <summary>The batch exceeds the configured item limit; nothing was written.</summary>
public sealed class BatchTooLargeException(string batchId, long limit)
    : Exception($"batch '{batchId}' has more than {limit} items (Ingest:MaxBatchItems)")
{
    public long Limit { get; } = limit;
}
