using System.Text.Json.Serialization;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Api.Rest;

/// <summary>
/// The REST shape of a batch outcome: <c>{"id","status","items","commit_seq"}</c> when committed
/// (with <c>"converted":{"EUR":N,...}</c> when items were converted to USD);
/// <c>"invalid_items"</c>, <c>"reason"</c> and <c>"errors":[{"index","field","value","reason"}]</c>
/// when rejected or aborted. Item indices are 0-based positions in the body (header and blank lines excluded).
/// </summary>
internal sealed record BatchJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("items")] long Items,
    [property: JsonPropertyName("commit_seq"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CommitSeq,
    [property: JsonPropertyName("invalid_items"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? InvalidItems,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonPropertyName("errors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ItemErrorJson>? Errors,
    [property: JsonPropertyName("received_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ReceivedAt,
    [property: JsonPropertyName("finished_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("converted"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, long>? Converted = null)
{
    public static BatchJson From(BatchOutcome outcome) => outcome.State switch
    {
        BatchState.Committed => new(outcome.BatchId, "committed", outcome.Items, outcome.CommitSeq, null, null, null, outcome.ReceivedAt, outcome.FinishedAt,
            outcome.Converted.IsDefaultOrEmpty ? null : outcome.Converted.ToDictionary(c => c.Currency, c => c.Items)),
        BatchState.Receiving => new(outcome.BatchId, "receiving", outcome.Items, null, null, null, null, outcome.ReceivedAt, null),
        _ => new(outcome.BatchId, outcome.State.ToString().ToLowerInvariant(), outcome.Items, null, outcome.InvalidItems, outcome.Reason,
            [.. outcome.Errors.Select(e => new ItemErrorJson(e.Index, e.Field, e.Value, e.Reason))], outcome.ReceivedAt, outcome.FinishedAt),
    };
}

internal sealed record ItemErrorJson(
    [property: JsonPropertyName("index")] long Index,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("reason")] string Reason);
