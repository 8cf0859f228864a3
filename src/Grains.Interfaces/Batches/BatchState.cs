using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>The life of a batch id. Only <see cref="Committed"/> ever wrote prices.</summary>
[GenerateSerializer]
[Alias("priceingest.BatchState")]
public enum BatchState
{
    Receiving,
    Committed,
    Rejected,
    Aborted,
}
