using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace PriceIngest.Runtime;

/// <summary>
/// One activation of a grain: the instance, its DI scope and its FIFO call queue. All state changes happen under
/// <see cref="_lock"/>; grain code never runs under it. <see cref="_busy"/> is the turn: it is held by exactly one of
/// an inline call, a queued call, OnActivateAsync or OnDeactivateAsync, which is what makes the grain non-reentrant
/// and keeps life-cycle code from overlapping calls. Invariant: an empty queue whenever the turn is free.
/// </summary>
internal sealed class Activation : IThreadPoolWorkItem
{
    private readonly Lock _lock = new();
    private readonly GrainRuntime _runtime;
    private readonly Queue<WorkItem> _queue = new();
    private readonly Action _inlineCallCompleted;
    private ActivationState _state;
    private bool _busy;
    private DeactivationReason? _pendingDeactivation;
    private DeactivationReason _deactivationReason;
    private long _lastActivity;
    private Grain? _grain;
    private AsyncServiceScope _scope;
    private Task? _inlineCall;
    private TaskCompletionSource? _deactivated;

    public Activation(GrainRuntime runtime, GrainType type, GrainId id)
    {
        _runtime = runtime;
        Type = type;
        Id = id;
        _lastActivity = Environment.TickCount64;
        _inlineCallCompleted = OnInlineCallCompleted;
    }

    public GrainId Id { get; }

    public GrainType Type { get; }

    /// <summary>The instance; only read by the holder of the turn while the activation is Active.</summary>
    public Grain Grain => _grain!;

    /// <summary>
    /// Takes the turn for a call on the caller's thread if the grain is active and idle: the hot path, with no queue,
    /// no allocation and no thread hop.
    /// </summary>
    public bool TryEnterInline()
    {
        lock (_lock)
        {
            if (_state != ActivationState.Active || _busy)
            {
                return false;
            }

            _busy = true;
            return true;
        }
    }

    /// <summary>Runs a call whose turn was taken with <see cref="TryEnterInline"/>. Returns the grain's own task.</summary>
    public Task RunInline(GrainMethodInvoker invoker, object?[] args)
    {
        Task call;

        // Grain code must not capture the caller's SynchronizationContext: its continuations would be posted to a UI
        // or test context instead of the thread pool, and a blocked caller would deadlock its own grain.
        var context = SynchronizationContext.Current;
        if (context is not null)
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }

        try
        {
            call = invoker.Call(_grain!, args) ?? invoker.FromException(NullTaskException(invoker));
        }
        catch (Exception ex)
        {
            // A synchronous throw is still the caller's failure only, delivered as a faulted task as Orleans does.
            call = invoker.FromException(ex);
        }
        finally
        {
            if (context is not null)
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }

        if (call.IsCompleted)
        {
            if (call.IsFaulted)
            {
                _runtime.OnCallFailed();
            }

            CompleteTurn();
        }
        else
        {
            // One call at a time, so one cached delegate and field suffice; no allocation per call.
            _inlineCall = call;
            call.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_inlineCallCompleted);
        }

        return call;
    }

    /// <summary>
    /// Queues a call. Returns false if this activation is already invalid; the caller must then look the key up again.
    /// The first call starts the activation.
    /// </summary>
    public bool Enqueue(WorkItem item)
    {
        var activate = false;
        var runNow = false;
        lock (_lock)
        {
            switch (_state)
            {
                case ActivationState.Invalid:
                    return false;
                case ActivationState.Created:
                    _state = ActivationState.Activating;
                    _busy = true;
                    activate = true;
                    _queue.Enqueue(item);
                    break;
                case ActivationState.Active when !_busy:
                    _busy = true;
                    runNow = true;
                    break;
                default:
                    _queue.Enqueue(item);
                    break;
            }
        }

        if (activate)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else if (runNow)
        {
            item.Schedule(this);
        }

        return true;
    }

    /// <summary>
    /// Ends the current turn: starts a deactivation requested during it, else hands the turn to the next queued
    /// call, else frees the grain. Grain code is never run here; the next call goes to the thread pool.
    /// </summary>
    public void CompleteTurn()
    {
        WorkItem? next = null;
        var deactivate = false;
        lock (_lock)
        {
            _lastActivity = Environment.TickCount64;
            if (_pendingDeactivation is { } reason)
            {
                _pendingDeactivation = null;
                BeginDeactivationLocked(reason);
                deactivate = true;
            }
            else if (!TryDequeueLocked(out next))
            {
                _busy = false;
            }
        }

        if (deactivate)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else
        {
            next?.Schedule(this);
        }
    }

    /// <summary>
    /// Starts deactivating if the grain is active, has no call running or queued, and was last used at or before
    /// <paramref name="lastActivityAtOrBefore"/> (Environment.TickCount64 time).
    /// </summary>
    public bool TryDeactivateIfIdle(DeactivationReason reason, long lastActivityAtOrBefore)
    {
        lock (_lock)
        {
            if (_state != ActivationState.Active || _busy || LastActivityLocked() > lastActivityAtOrBefore
                || (reason == DeactivationReason.CapacityExceeded && _grain!.KeepActive))
            {
                return false;
            }

            _busy = true;
            BeginDeactivationLocked(reason);
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    /// <summary>For the capacity collector: whether the grain could be deactivated now, and when it was last used.</summary>
    public bool IsIdle(out long lastActivity)
    {
        lock (_lock)
        {
            lastActivity = LastActivityLocked();
            return _state == ActivationState.Active && !_busy && !_grain!.KeepActive;
        }
    }

    // The grain exists in the Active state only.
    private long LastActivityLocked() =>
        _state == ActivationState.Active ? Math.Max(_lastActivity, _grain!.LastUseOutsideCalls) : _lastActivity;

    /// <summary>True while the activation still counts against the cap (not deactivating or gone).</summary>
    public bool IsLive
    {
        get
        {
            lock (_lock)
            {
                return _state is not (ActivationState.Deactivating or ActivationState.Invalid);
            }
        }
    }

    /// <summary>DeactivateOnIdle: deactivate once the current turn (if any) ends; queued calls move to a new activation.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        lock (_lock)
        {
            if (_state != ActivationState.Active && _state != ActivationState.Activating)
            {
                return;
            }

            if (_busy)
            {
                _pendingDeactivation ??= reason;
                return;
            }

            _busy = true;
            BeginDeactivationLocked(reason);
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>
    /// Deactivates for shutdown: now if idle, after the running call or activation otherwise.
    /// Completes when the activation has left the directory.
    /// </summary>
    public Task DeactivateForShutdownAsync()
    {
        var start = false;
        Task deactivated;
        lock (_lock)
        {
            switch (_state)
            {
                case ActivationState.Invalid:
                    return Task.CompletedTask;
                case ActivationState.Created:
                    // No instance yet: just leave. A caller racing to enqueue sees Invalid and retries (and is refused).
                    _state = ActivationState.Invalid;
                    _runtime.Remove(this);
                    return Task.CompletedTask;
                case ActivationState.Active when !_busy:
                    _busy = true;
                    BeginDeactivationLocked(DeactivationReason.RuntimeShutdown);
                    start = true;
                    break;
                case ActivationState.Active or ActivationState.Activating:
                    _pendingDeactivation = DeactivationReason.RuntimeShutdown;
                    break;
            }

            deactivated = WhenDeactivatedLocked();
        }

        if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return deactivated;
    }

    public Task WhenDeactivated()
    {
        lock (_lock)
        {
            return _state == ActivationState.Invalid ? Task.CompletedTask : WhenDeactivatedLocked();
        }
    }

    internal static InvalidOperationException NullTaskException(GrainMethodInvoker invoker) =>
        new($"Grain method {invoker.Method.DeclaringType?.Name}.{invoker.Method.Name} returned a null task.");

    /// <summary>Runs OnActivateAsync or OnDeactivateAsync, whichever the state asks for, on a thread-pool thread.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        ActivationState state;
        lock (_lock)
        {
            state = _state;
        }

        _ = state == ActivationState.Activating ? ActivateAsync() : DeactivateAsync();
    }

    private async Task ActivateAsync()
    {
        AsyncServiceScope scope = default;
        Grain grain;
        try
        {
            // Each activation has its own scope, as in Orleans, so grains can depend on scoped services.
            scope = _runtime.ScopeFactory.CreateAsyncScope();
            grain = (Grain)Type.Factory(scope.ServiceProvider, null);
            grain.Id = Id;
            grain.RequestDeactivation = () => RequestDeactivation(DeactivationReason.ApplicationRequested);
            await grain.OnActivateAsync(_runtime.StoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RuntimeLog.ActivationFailed(_runtime.Logger, ex, Id);
            await DisposeScopeAsync(scope).ConfigureAwait(false);
            var failed = LeaveDirectory(out var deactivated);
            deactivated?.TrySetResult();
            foreach (var item in failed)
            {
                item.Fail(ex);
            }

            return;
        }

        lock (_lock)
        {
            _grain = grain;
            _scope = scope;
            _state = ActivationState.Active;
        }

        _runtime.OnActivated(Id);
        CompleteTurn();
    }

    private async Task DeactivateAsync()
    {
        Grain grain;
        DeactivationReason reason;
        AsyncServiceScope scope;
        lock (_lock)
        {
            grain = _grain!;
            reason = _deactivationReason;
            scope = _scope;
        }

        var timeout = _runtime.Options.DeactivationTimeout;
        using (var timeoutSource = new CancellationTokenSource(timeout))
        {
            Task? deactivation = null;
            try
            {
                deactivation = grain.OnDeactivateAsync(reason, timeoutSource.Token);
                await deactivation.WaitAsync(timeoutSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
            {
                // Abandon it rather than keep the key unavailable forever. This is the one case in which the next
                // activation's OnActivateAsync may overlap this OnDeactivateAsync (their calls still never overlap).
                RuntimeLog.DeactivationTimedOut(_runtime.Logger, Id, reason, timeout);
                ObserveLateFailure(deactivation);
            }
            catch (Exception ex)
            {
                RuntimeLog.DeactivationFailed(_runtime.Logger, ex, Id, reason);
            }
        }

        await DisposeScopeAsync(scope).ConfigureAwait(false);

        // Only now may a new activation of this key be created: it will see the effects of OnDeactivateAsync.
        var forward = LeaveDirectory(out var deactivated);
        _runtime.OnDeactivated(Id, reason);
        deactivated?.TrySetResult();
        foreach (var item in forward)
        {
            _runtime.Dispatch(Type, Id, item);
        }
    }

    /// <summary>Marks the activation invalid, removes it from the directory and takes the calls still queued.</summary>
    private List<WorkItem> LeaveDirectory(out TaskCompletionSource? deactivated)
    {
        var items = new List<WorkItem>();
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            _busy = false;
            _pendingDeactivation = null;
            _grain = null;
            _scope = default;
            while (TryDequeueLocked(out var item))
            {
                items.Add(item);
            }

            // Inside the lock: anyone who locks after this sees Invalid and, on retry, no longer finds this activation.
            _runtime.Remove(this);
            deactivated = _deactivated;
        }

        return items;
    }

    private async ValueTask DisposeScopeAsync(AsyncServiceScope scope)
    {
        try
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RuntimeLog.ScopeDisposalFailed(_runtime.Logger, ex, Id);
        }
    }

    private static void ObserveLateFailure(Task? abandoned) =>
        abandoned?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void OnInlineCallCompleted()
    {
        var call = _inlineCall!;
        _inlineCall = null;
        if (call.IsFaulted)
        {
            _runtime.OnCallFailed();
        }

        CompleteTurn();
    }

    private void BeginDeactivationLocked(DeactivationReason reason)
    {
        _state = ActivationState.Deactivating;
        _deactivationReason = reason;
    }

    private Task WhenDeactivatedLocked()
    {
        _deactivated ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _deactivated.Task;
    }

    private bool TryDequeueLocked([NotNullWhen(true)] out WorkItem? item)
    {
        while (_queue.TryDequeue(out item))
        {
            if (item.IsPending)
            {
                return true;
            }
        }

        return false;
    }
}
