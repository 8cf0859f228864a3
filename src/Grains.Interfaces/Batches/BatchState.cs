namespace PriceIngest.Grains.Batches;

/// <summary>The life of a batch id. Only <see cref="Committed"/> ever wrote prices.</summary>
public enum BatchState
{
    Receiving,
    Committed,
    Rejected,
    Aborted,
}
