using Orleans;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// Uploads through a <see cref="IBatchGrain"/>: placed on this silo unless an activation of the id
/// already lives elsewhere (which then refuses a duplicate).
/// </summary>
internal sealed class LocalIngestService(IGrainFactory grains) : IIngestService
{
    public Task<BatchOutcome> UploadAsync(BatchHeader header, IAsyncEnumerable<PriceChunk> chunks, CancellationToken cancellationToken) =>
        grains.GetGrain<IBatchGrain>(header.BatchId).UploadAsync(header, chunks, cancellationToken);

    public Task<BatchOutcome?> GetBatchAsync(string batchId, CancellationToken cancellationToken) =>
        grains.GetGrain<IBatchGrain>(batchId).GetAsync(cancellationToken);
}
