using Google.Protobuf.WellKnownTypes;
using PriceIngest.Contracts.V1;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Api.Grpc;

/// <summary>A batch outcome as a <c>BatchReceipt</c>: the same content as REST's receipt or rejection.</summary>
public static class Receipts
{
    public static BatchReceipt From(BatchOutcome outcome)
    {
        var receipt = new BatchReceipt
        {
            BatchId = outcome.BatchId,
            Status = outcome.State switch
            {
                BatchState.Receiving => BatchStatus.Receiving,
                BatchState.Committed => BatchStatus.Committed,
                BatchState.Rejected => BatchStatus.Rejected,
                BatchState.Aborted => BatchStatus.Aborted,
                _ => BatchStatus.Unspecified,
            },
            Items = outcome.Items,
            CommitSeq = outcome.CommitSeq ?? 0,
            InvalidItems = outcome.InvalidItems,
            Reason = outcome.State is BatchState.Rejected or BatchState.Aborted ? outcome.Reason ?? string.Empty : string.Empty,
            ReceivedAt = outcome.ReceivedAt is { } received ? Timestamp.FromDateTimeOffset(received) : null,
            FinishedAt = outcome.FinishedAt is { } finished ? Timestamp.FromDateTimeOffset(finished) : null,
        };
        foreach (var converted in outcome.Converted.IsDefault ? [] : outcome.Converted)
        {
            receipt.Converted.Add(converted.Currency, converted.Items);
        }

        foreach (var error in outcome.Errors.IsDefault ? [] : outcome.Errors)
        {
            receipt.Errors.Add(new Contracts.V1.ItemError { Index = error.Index, Field = error.Field, Value = error.Value ?? string.Empty, Reason = error.Reason, ValueAbsent = error.Value is null });
        }

        return receipt;
    }
}
