namespace PriceIngest.Runtime;

/// <summary>Life cycle of one activation. Transitions only move forward; Invalid is final.</summary>
internal enum ActivationState
{
    /// <summary>In the directory, no call has arrived yet (a brief window after creation).</summary>
    Created,

    /// <summary>Constructor and OnActivateAsync are running; calls queue behind them.</summary>
    Activating,

    /// <summary>Serving calls, one at a time.</summary>
    Active,

    /// <summary>OnDeactivateAsync is running; calls queue and are forwarded to the next activation afterwards.</summary>
    Deactivating,

    /// <summary>Gone from the directory; a caller that still holds it retries on a new activation.</summary>
    Invalid,
}
