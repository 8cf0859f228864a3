namespace PriceIngest.Grains.Batches;

/// <summary>
/// The upload protocol of <see cref="IBatchGrain"/>, in one place for every caller (a silo's own
/// APIs and a gateway): Start, then Append per chunk, then Commit; on any failure before the
/// outcome, Abort, so the id is free again and nothing was written.
/// </summary>
public static class BatchConversation
{
    /// <summary>
    /// Uploads <paramref name="chunks"/> as batch <paramref name="header"/>. A committed id returns its
    /// first receipt without reading a chunk (exactly once).
    /// </summary>
    public static async Task<BatchOutcome> UploadAsync(
        this IBatchGrain grain, BatchHeader header, IAsyncEnumerable<PriceChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grain);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(chunks);
        // Not cancelled midway: a start the caller stopped waiting for would leave an open upload
        // (its slot and its id) that nobody knows the token of until the grain's idle timeout. The
        // start is short and bounded by the database timeouts; a cancellation then aborts it below.
        var start = await grain.StartAsync(header, CancellationToken.None);
        if (start.Existing is { } existing)
        {
            return existing;
        }

        var token = start.UploadToken!.Value;
        var finished = false;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            await foreach (var chunk in chunks.WithCancellation(cancellationToken))
            {
                if (!await grain.AppendAsync(token, chunk, cancellationToken))
                {
                    // Rejected, with as many errors as a rejection lists: the rest is not read.
                    break;
                }
            }

            var outcome = await grain.CommitAsync(token, cancellationToken);
            finished = true;
            return outcome;
        }
        catch (BatchTooLargeException)
        {
            // The grain already recorded the rejection and closed the upload.
            finished = true;
            throw;
        }
        finally
        {
            if (!finished)
            {
                // Client gone, body malformed, commit or silo failed: nothing was written; free the id.
                // Best effort: when the grain's silo is gone, so is the upload.
                try
                {
                    await grain.AbortAsync(token, cancellationToken.IsCancellationRequested
                        ? "the client cancelled the upload; nothing was written"
                        : "the upload failed before it finished; nothing was written");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The original failure is what the caller must see.
                }
            }
        }
    }
}
