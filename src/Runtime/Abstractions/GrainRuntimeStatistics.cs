namespace PriceIngest.Runtime;

/// <summary>Snapshot of the runtime's counters (totals since start) and gauges (current values).</summary>
/// <param name="Activations">Activations whose <see cref="Grain.OnActivateAsync"/> succeeded.</param>
/// <param name="Deactivations">Activations that were deactivated and left the directory.</param>
/// <param name="ActiveGrains">Activations currently in the directory (activating, active or deactivating).</param>
/// <param name="QueuedCalls">Calls currently waiting for their turn (or for an activation).</param>
/// <param name="TotalCalls">Calls made through grain references.</param>
/// <param name="FailedCalls">Calls that completed with an exception (grain exception or failed activation); cancellations excluded.</param>
public sealed record GrainRuntimeStatistics(
    long Activations,
    long Deactivations,
    int ActiveGrains,
    int QueuedCalls,
    long TotalCalls,
    long FailedCalls);
