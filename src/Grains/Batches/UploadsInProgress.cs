namespace PriceIngest.Grains.Batches;

/// <summary>
/// The uploads open on this silo's batch grains, so that a stopping silo can refuse new ones and
/// wait (bounded by <see cref="IngestOptions.DrainTimeout"/>) for those in progress to finish.
/// </summary>
internal sealed class UploadsInProgress
{
    private readonly Lock _gate = new();
    private int _count;
    private TaskCompletionSource? _idle;
    private volatile bool _draining;

    /// <summary>True once the silo has begun to stop: new uploads go to another silo.</summary>
    public bool Draining => _draining;

    public void BeginDrain() => _draining = true;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Takes an upload slot unless <paramref name="limit"/> are taken already.</summary>
    public bool TryEnter(int limit)
    {
        while (true)
        {
            var count = Volatile.Read(ref _count);
            if (count >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _count, count + 1, count) == count)
            {
                return true;
            }
        }
    }

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

    /// <summary>Completes when no upload is open (at once if none is).</summary>
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
