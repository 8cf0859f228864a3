namespace PriceIngest.Runtime;

/// <summary>
/// Base class of every grain. The runtime runs one call at a time per activation (non-reentrant),
/// so grain fields need no locks. Never block a turn: await instead.
/// </summary>
public abstract class Grain
{
    // Set by the runtime before OnActivateAsync.
    internal GrainId Id { get; set; }
    internal Action? RequestDeactivation { get; set; }

    protected long GetPrimaryKeyLong() => Id.LongKey;

    protected string GetPrimaryKeyString() => Id.StringKey ?? throw new InvalidOperationException("This grain has an integer key.");

    /// <summary>Asks the runtime to deactivate this grain once the current call has finished.</summary>
    protected void DeactivateOnIdle() => RequestDeactivation?.Invoke();

    /// <summary>
    /// While true, the grain is never evicted to make room under the active-grain cap (it is still
    /// collected after its idle age). For grains holding work in progress between calls.
    /// Read by the collector outside the grain's turn: keep it a cheap read of a field.
    /// </summary>
    protected internal virtual bool KeepActive => false;

    /// <summary>
    /// When the grain was last used other than by a call (Environment.TickCount64 time), e.g. when
    /// readers last read state it published; the collector takes the later of this and its last call
    /// as its last activity. Read by the collector outside the grain's turn: keep it a cheap read.
    /// </summary>
    protected internal virtual long LastUseOutsideCalls => long.MinValue;

    /// <summary>Runs before the first call; an exception here fails that call and discards the activation.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs when the grain is collected (idle, capacity, explicit request or shutdown).</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;
}
