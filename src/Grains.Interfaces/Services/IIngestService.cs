using PriceIngest.Grains.Batches;

namespace PriceIngest.Grains.Services;

/// <summary>The write side as the public APIs see it: a batch streams in as chunks and ends in one outcome.</summary>
public interface IIngestService
{
    /// <summary>
    /// Streams a batch. Returns the committed or rejected outcome (a committed id returns its first receipt).
    /// Throws <see cref="BatchInProgressException"/> or <see cref="BatchTooLargeException"/>; on cancellation
    /// or any other failure nothing is written and the id may be sent again.
    /// </summary>
    Task<BatchOutcome> UploadAsync(BatchHeader header, IAsyncEnumerable<PriceChunk> chunks, CancellationToken cancellationToken);

    /// <summary>The recorded outcome of a batch id, or null if it was never seen.</summary>
    Task<BatchOutcome?> GetBatchAsync(string batchId, CancellationToken cancellationToken);
}
