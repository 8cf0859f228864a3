namespace PriceIngest.Runtime;

/// <summary>
/// Deactivates idle activations and enforces <see cref="GrainRuntimeOptions.MaxActiveGrains"/>. Runs every
/// <see cref="GrainRuntimeOptions.CollectionInterval"/>, and early when an activation pushes the count over the cap.
/// </summary>
internal sealed class ActivationCollector(GrainRuntime runtime)
{
    // An early (cap) wake-up never scans more often than this, so a cap that cannot be met because every grain is
    // busy does not turn the collector into a busy loop.
    private static readonly TimeSpan MinimumWakeSpacing = TimeSpan.FromSeconds(1);

    private TaskCompletionSource _wake = NewWakeSource();

    /// <summary>Asks for a scan soon. Cheap and allocation-free; called on every activation above the cap.</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var interval = runtime.Options.CollectionInterval;
        var spacing = interval < MinimumWakeSpacing ? interval : MinimumWakeSpacing;
        var lastScan = Environment.TickCount64;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wake = Volatile.Read(ref _wake);
                using (var delaySource = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    await Task.WhenAny(Task.Delay(interval, delaySource.Token), wake.Task).ConfigureAwait(false);
                    await delaySource.CancelAsync().ConfigureAwait(false);
                }

                if (wake.Task.IsCompleted)
                {
                    Interlocked.CompareExchange(ref _wake, NewWakeSource(), wake);
                    var sinceLastScan = TimeSpan.FromMilliseconds(Environment.TickCount64 - lastScan);
                    if (sinceLastScan < spacing)
                    {
                        await Task.Delay(spacing - sinceLastScan, stoppingToken).ConfigureAwait(false);
                    }
                }

                stoppingToken.ThrowIfCancellationRequested();
                lastScan = Environment.TickCount64;
                Collect();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The collector must survive anything: a dead collector means unbounded memory.
                RuntimeLog.CollectorFailed(runtime.Logger, ex);
            }
        }
    }

    /// <summary>
    /// One scan. Starts the deactivations and does not wait for them: each is bounded by the deactivation timeout and
    /// reports its own failures, and a slow OnDeactivateAsync must not delay the next scan.
    /// </summary>
    public void Collect()
    {
        var options = runtime.Options;
        var now = Environment.TickCount64;
        var overCap = runtime.ActiveCount > options.MaxActiveGrains;
        var candidates = overCap ? new List<(long LastActivity, Activation Activation)>() : null;
        var live = 0;
        var idleCollected = 0;

        foreach (var type in runtime.Types)
        {
            var cutoff = now - (long)(type.IdleAge ?? options.IdleAge).TotalMilliseconds;
            foreach (var activation in type.Activations)
            {
                if (activation.TryDeactivateIfIdle(DeactivationReason.IdleTimeout, cutoff))
                {
                    idleCollected++;
                }
                else if (candidates is not null && activation.IsLive)
                {
                    live++;
                    if (activation.IsIdle(out var lastActivity))
                    {
                        candidates.Add((lastActivity, activation));
                    }
                }
            }
        }

        if (idleCollected > 0)
        {
            RuntimeLog.IdleCollectionRan(runtime.Logger, idleCollected);
        }

        if (candidates is null || live <= options.MaxActiveGrains)
        {
            return;
        }

        // Down to about 90% of the cap, so that a full silo is not collected again on every new activation.
        var target = options.MaxActiveGrains - (options.MaxActiveGrains / 10);
        var excess = live - target;
        var evicted = 0;

        // Sort on a snapshot of the timestamps: live values change during the sort and would confuse the comparer.
        candidates.Sort(static (a, b) => a.LastActivity.CompareTo(b.LastActivity));
        foreach (var (_, activation) in candidates)
        {
            if (evicted == excess)
            {
                break;
            }

            if (activation.TryDeactivateIfIdle(DeactivationReason.CapacityExceeded, long.MaxValue))
            {
                evicted++;
            }
        }

        RuntimeLog.CapacityCollectionRan(runtime.Logger, live, options.MaxActiveGrains, evicted, excess - evicted);
    }

    private static TaskCompletionSource NewWakeSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
