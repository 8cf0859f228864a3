using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// The upload this chunk belongs to is no longer open: it stalled past the batch grain's idle age
/// or its silo restarted. It was recorded as aborted and wrote nothing; send the batch again.
/// </summary>
[GenerateSerializer]
[Alias("priceingest.UploadExpiredException")]
public sealed class UploadExpiredException(string batchId)
    : Exception($"the upload of batch '{batchId}' is no longer open (it stalled or its silo restarted); nothing was written, send it again")
{
    [Id(0)]
    public string BatchId { get; } = batchId;
}
