using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// One batch id. An upload is a conversation of turns: Start, Append* and Commit (or Abort).
/// Between turns another caller can ask about the id, so a concurrent duplicate is refused
/// instead of queued. Keyed by the batch id.
/// </summary>
[Alias("priceingest.IBatchGrain")]
public interface IBatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Opens the upload, or returns the existing committed outcome. Throws <see cref="BatchInProgressException"/>
    /// while another sender's upload of the id is open; an open upload of the same
    /// <see cref="BatchHeader.Sender"/> is aborted instead, and the call throws
    /// <see cref="Services.ServiceUnavailableException"/> (another silo may serve) for the sender to start again.
    /// </summary>
    /// <remarks>
    /// Response timeouts per step (Orleans's default is 30 s): a call lost with a killed silo fails
    /// after its step's worst case and the caller retries. Start may wait 5 s for an upload slot.
    /// </remarks>
    [ResponseTimeout("00:00:15")]
    Task<BatchStart> StartAsync(BatchHeader header, CancellationToken cancellationToken);

    /// <summary>
    /// Validates and stages a chunk; false once the batch is rejected anyway and its error list is
    /// full (Ingest:MaxReportedErrors): the sender stops reading and commits, so garbage costs time in
    /// proportion to what was read up to that point. Throws <see cref="BatchTooLargeException"/> past the limit.
    /// </summary>
    [ResponseTimeout("00:00:15")]
    Task<bool> AppendAsync(Guid uploadToken, PriceChunk chunk, CancellationToken cancellationToken);

    /// <summary>Commits all items atomically, or rejects the whole batch if any item is invalid.</summary>
    /// <remarks>A commit of millions of items takes seconds to tens of seconds: generous.</remarks>
    [ResponseTimeout("00:10:00")]
    Task<BatchOutcome> CommitAsync(Guid uploadToken, CancellationToken cancellationToken);

    /// <summary>Drops a started upload (client gone, transport error); records the id as aborted.</summary>
    [ResponseTimeout("00:00:10")]
    Task AbortAsync(Guid uploadToken, string reason);

    /// <summary>The recorded outcome, or null when the id was never seen.</summary>
    [ResponseTimeout("00:00:10")]
    Task<BatchOutcome?> GetAsync(CancellationToken cancellationToken);
}
