using PriceIngest.Grains.Services;
using PriceIngest.Runtime;

namespace PriceIngest.Grains.Batches;

/// <summary>Drives a <see cref="IBatchGrain"/> of this silo through Start, Append* and Commit.</summary>
internal sealed class LocalIngestService(IGrainFactory grains) : IIngestService
{
    public async Task<BatchOutcome> UploadAsync(BatchHeader header, IAsyncEnumerable<PriceChunk> chunks, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IBatchGrain>(header.BatchId);
        BatchStart start;
        try
        {
            start = await grain.StartAsync(header, cancellationToken);
        }
        catch (Npgsql.NpgsqlException e)
        {
            throw new ServiceUnavailableException($"the database is unreachable; batch '{header.BatchId}' was not started", e);
        }

        if (start.Existing is { } existing)
        {
            // Exactly once: the body of a repeated committed batch is not even read.
            return existing;
        }

        var token = start.UploadToken!.Value;
        var finished = false;
        try
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken))
            {
                await grain.AppendAsync(token, chunk, cancellationToken);
            }

            var outcome = await grain.CommitAsync(token, cancellationToken);
            finished = true;
            return outcome;
        }
        catch (Npgsql.NpgsqlException e)
        {
            throw new ServiceUnavailableException(
                $"the database failed while batch '{header.BatchId}' was uploading; nothing was written, retry with the same id", e);
        }
        catch (BatchTooLargeException)
        {
            finished = true;
            throw;
        }
        finally
        {
            if (!finished)
            {
                // Client gone, body malformed, or commit failed: nothing was written; free the id.
                await grain.AbortAsync(token, cancellationToken.IsCancellationRequested
                    ? "the client cancelled the upload; nothing was written"
                    : "the upload failed before it finished; nothing was written");
            }
        }
    }

    public Task<BatchOutcome?> GetBatchAsync(string batchId, CancellationToken cancellationToken) =>
        grains.GetGrain<IBatchGrain>(batchId).GetAsync(cancellationToken);
}
