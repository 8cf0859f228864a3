using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests.Grains;

public interface IGateGrain : IGrainWithIntegerKey
{
    /// <summary>Journals "start label", waits at the gate of that label, journals "end label"; returns the calls this activation has served.</summary>
    Task<int> Run(string label, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="Run"/> but first asks to be deactivated when the call is over.</summary>
    Task<int> RunThenRetire(string label);

    /// <summary>Many short overlapping-prone steps; records how many calls were inside this key at once.</summary>
    Task Step();

    Task<int> MaxConcurrentSteps();

    Task Throw(string message);

    Task ThrowSynchronously(string message);

    Task<T> Echo<T>(T value);
}

public sealed class GateGrain(Journal journal, Gates gates) : Grain, IGateGrain
{
    private int _served;
    private int _inside;
    private int _maxInside;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        journal.Add($"activate gate {GetPrimaryKeyLong()}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        journal.Add($"deactivate gate {GetPrimaryKeyLong()} {reason}");
        return Task.CompletedTask;
    }

    public async Task<int> Run(string label, CancellationToken cancellationToken = default)
    {
        journal.Add($"start {label}");
        await gates.Pass(label);
        journal.Add($"end {label}");
        return ++_served;
    }

    public Task<int> RunThenRetire(string label)
    {
        DeactivateOnIdle();
        return Run(label);
    }

    public async Task Step()
    {
        var inside = Interlocked.Increment(ref _inside);
        _maxInside = Math.Max(_maxInside, inside);
        await Task.Yield();
        Thread.SpinWait(50);
        await Task.Delay(1);
        Interlocked.Decrement(ref _inside);
    }

    public Task<int> MaxConcurrentSteps() => Task.FromResult(_maxInside);

    public async Task Throw(string message)
    {
        await Task.Yield();
        throw new InvalidOperationException(message);
    }

    public Task ThrowSynchronously(string message) => throw new InvalidOperationException(message);

    public Task<T> Echo<T>(T value) => Task.FromResult(value);
}
