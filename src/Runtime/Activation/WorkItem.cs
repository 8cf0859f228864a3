namespace PriceIngest.Runtime;

/// <summary>
/// A call that could not start at once (grain busy, activating or deactivating). Waits in the activation's queue,
/// then runs on the thread pool with the caller's ExecutionContext. Its task completes with the grain method's outcome.
/// </summary>
internal abstract class WorkItem : IThreadPoolWorkItem
{
    private const int Pending = 0;
    private const int Started = 1;
    private const int Finished = 2; // cancelled or failed without running

    private static readonly ContextCallback RunInContext = static state => ((WorkItem)state!).Run();

    private readonly GrainRuntime _runtime;
    private readonly GrainMethodInvoker _invoker;
    private readonly object?[] _args;
    private readonly ExecutionContext? _context;
    private CancellationTokenRegistration _registration;
    private Activation? _activation;
    private int _state;

    protected WorkItem(GrainRuntime runtime, GrainMethodInvoker invoker, object?[] args)
    {
        _runtime = runtime;
        _invoker = invoker;
        _args = args;
        _context = ExecutionContext.Capture();
        runtime.OnCallQueued();
    }

    public abstract Task Task { get; }

    /// <summary>False once the call started, was cancelled or failed; the queue then skips it.</summary>
    public bool IsPending => Volatile.Read(ref _state) == Pending;

    /// <summary>Must be called before the item is enqueued, so the registration is in place before it can start.</summary>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((WorkItem)state!).Cancel(token), this);
        }
    }

    /// <summary>Fails the call if it has not started (failed activation, runtime shutting down).</summary>
    public void Fail(Exception exception)
    {
        if (TryFinishWithoutRunning())
        {
            _registration.Unregister();
            _runtime.OnCallFailed();
            SetException(exception);
        }
    }

    /// <summary>Gives the item the turn on <paramref name="activation"/>; it runs on the thread pool.</summary>
    public void Schedule(Activation activation)
    {
        _activation = activation;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (Interlocked.CompareExchange(ref _state, Started, Pending) != Pending)
        {
            // Cancelled after it was dequeued: hand the turn straight on.
            _activation!.CompleteTurn();
            return;
        }

        _runtime.OnCallDequeued();
        _registration.Unregister();
        if (_context is null)
        {
            Run();
        }
        else
        {
            ExecutionContext.Run(_context, RunInContext, this);
        }
    }

    protected abstract void SetResult(Task completedCall);

    protected abstract void SetException(Exception exception);

    protected abstract void SetCanceled(CancellationToken cancellationToken);

    private void Run()
    {
        var activation = _activation!;
        Task call;
        try
        {
            call = _invoker.Call(activation.Grain, _args) ?? _invoker.FromException(Activation.NullTaskException(_invoker));
        }
        catch (Exception ex)
        {
            call = _invoker.FromException(ex);
        }

        if (call.IsCompleted)
        {
            Finish(call);
        }
        else
        {
            call.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => Finish(call));
        }
    }

    private void Finish(Task call)
    {
        if (call.IsFaulted)
        {
            _runtime.OnCallFailed();
        }

        // Release the grain first: the caller's continuation (asynchronous) may well call it again.
        _activation!.CompleteTurn();
        SetResult(call);
    }

    private void Cancel(CancellationToken cancellationToken)
    {
        if (TryFinishWithoutRunning())
        {
            SetCanceled(cancellationToken);
        }
    }

    private bool TryFinishWithoutRunning()
    {
        if (Interlocked.CompareExchange(ref _state, Finished, Pending) != Pending)
        {
            return false;
        }

        _runtime.OnCallDequeued();
        return true;
    }
}

internal sealed class WorkItem<TResult>(GrainRuntime runtime, GrainMethodInvoker invoker, object?[] args) : WorkItem(runtime, invoker, args)
{
    // Asynchronous continuations: the caller's code must not run inside the runtime's turn hand-over.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task Task => _completion.Task;

    protected override void SetResult(Task completedCall)
    {
        if (completedCall.IsCompletedSuccessfully)
        {
            _completion.TrySetResult(completedCall is Task<TResult> typed ? typed.Result : default!);
        }
        else if (completedCall.IsFaulted)
        {
            _completion.TrySetException(completedCall.Exception!.InnerExceptions);
        }
        else
        {
            _completion.TrySetCanceled(CancellationTokenOf(completedCall));
        }
    }

    protected override void SetException(Exception exception) => _completion.TrySetException(exception);

    protected override void SetCanceled(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);

    private static CancellationToken CancellationTokenOf(Task canceled)
    {
        try
        {
            canceled.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException ex)
        {
            return ex.CancellationToken;
        }

        return default;
    }
}
