using System.Collections.Concurrent;

namespace PriceIngest.Runtime.Tests.Grains;

public interface IRaceGrain : IGrainWithIntegerKey
{
    Task Touch(bool retire);
}

/// <summary>Watches every key across all activations for the invariants the deactivation race could break.</summary>
public sealed class RaceMonitor
{
    private readonly ConcurrentDictionary<long, int> _live = new();
    private readonly ConcurrentDictionary<long, int> _inside = new();
    private readonly ConcurrentDictionary<long, ConcurrentQueue<char>> _lifecycle = new();
    private int _violations;
    private int _calls;
    private int _activations;

    public int Violations => Volatile.Read(ref _violations);

    public int Calls => Volatile.Read(ref _calls);

    public int Activations => Volatile.Read(ref _activations);

    public IReadOnlyDictionary<long, string> Lifecycles => _lifecycle.ToDictionary(e => e.Key, e => new string([.. e.Value]));

    public void Violation() => Interlocked.Increment(ref _violations);

    public void Activating(long key)
    {
        Interlocked.Increment(ref _activations);
        _lifecycle.GetOrAdd(key, _ => new ConcurrentQueue<char>()).Enqueue('A');
        if (_live.AddOrUpdate(key, 1, (_, n) => n + 1) != 1)
        {
            Violation(); // a second activation started before the previous one finished deactivating
        }
    }

    public void Deactivated(long key)
    {
        _lifecycle.GetOrAdd(key, _ => new ConcurrentQueue<char>()).Enqueue('D');
        _live.AddOrUpdate(key, -1, (_, n) => n - 1);
    }

    public void Enter(long key)
    {
        Interlocked.Increment(ref _calls);
        if (_inside.AddOrUpdate(key, 1, (_, n) => n + 1) != 1)
        {
            Violation(); // two calls of one key at once, on one activation or on two
        }
    }

    public void Exit(long key) => _inside.AddOrUpdate(key, 0, (_, n) => n - 1);
}

public sealed class RaceGrain(RaceMonitor monitor) : Grain, IRaceGrain
{
    private bool _active;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        monitor.Activating(GetPrimaryKeyLong());
        await Task.Delay(1, cancellationToken); // widen the window in which calls and a deactivation can collide
        _active = true;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _active = false;
        await Task.Delay(1, cancellationToken);
        monitor.Deactivated(GetPrimaryKeyLong());
    }

    public async Task Touch(bool retire)
    {
        if (!_active)
        {
            monitor.Violation(); // a call ran on an instance that is not (or no longer) activated
        }

        var key = GetPrimaryKeyLong();
        monitor.Enter(key);
        await Task.Yield();
        monitor.Exit(key);
        if (retire)
        {
            DeactivateOnIdle();
        }
    }
}
