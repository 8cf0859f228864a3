namespace PriceIngest.Grains.Membership;

/// <summary>Counts the calls a silo is serving, so that a drain can wait for them to finish.</summary>
public sealed class InFlightWork
{
    private readonly Lock _gate = new();
    private int _count;
    private TaskCompletionSource? _idle;

    public int Count => Volatile.Read(ref _count);

    public void Enter() => Interlocked.Increment(ref _count);

    public void Exit()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            lock (_gate)
            {
                _idle?.TrySetResult();
            }
        }
    }

    /// <summary>Completes when no call is in flight (at once if none is).</summary>
    public async Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task idle;
            lock (_gate)
            {
                if (Count == 0)
                {
                    return;
                }

                _idle ??= new(TaskCreationOptions.RunContinuationsAsynchronously);
                idle = _idle.Task;
            }

            await idle.WaitAsync(cancellationToken);
            lock (_gate)
            {
                _idle = null;
            }
        }
    }
}
