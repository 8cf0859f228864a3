using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithIntegerKey
{
    Task<int> Increment();

    /// <summary>Increments after DeactivateOnIdle, so the next call needs a new activation.</summary>
    Task<int> IncrementAndRetire();

    Task<long> Key();
}

/// <summary>Counts calls in memory: a fresh activation starts from zero. Journals its life cycle.</summary>
public sealed class CounterGrain(Journal journal) : Grain, ICounterGrain
{
    private int _count;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        journal.Add($"activate counter {GetPrimaryKeyLong()}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        journal.Add($"deactivate counter {GetPrimaryKeyLong()} {reason}");
        return Task.CompletedTask;
    }

    public Task<int> Increment() => Task.FromResult(++_count);

    public Task<int> IncrementAndRetire()
    {
        DeactivateOnIdle();
        return Task.FromResult(++_count);
    }

    public Task<long> Key() => Task.FromResult(GetPrimaryKeyLong());
}
