using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// What happened to a batch id. Committed: <see cref="CommitSeq"/> is set. Rejected: <see cref="Errors"/>
/// holds the first invalid items (capped) and <see cref="InvalidItems"/> their total count.
/// Aborted: <see cref="Reason"/> says why nothing was written (the id may be sent again).
/// <see cref="Converted"/>: a committed batch's items that were converted to USD, by currency (empty when all were USD).
/// </summary>
[GenerateSerializer]
[Alias("priceingest.BatchOutcome")]
[Immutable]
public sealed record BatchOutcome(
    string BatchId,
    BatchState State,
    long Items,
    long? CommitSeq,
    long InvalidItems,
    ImmutableArray<ItemError> Errors,
    string? Reason,
    DateTimeOffset? ReceivedAt,
    DateTimeOffset? FinishedAt,
    ImmutableArray<CurrencyCount> Converted = default)
{
    public static BatchOutcome Rejected(string batchId, long items, long invalidItems, ImmutableArray<ItemError> errors) =>
        new(batchId, BatchState.Rejected, items, null, invalidItems, errors, "the batch has invalid items", null, DateTimeOffset.UtcNow);
}
