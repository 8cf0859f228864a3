using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests.Grains;

public interface IBadDeactivationGrain : IGrainWithIntegerKey
{
    Task Retire();

    Task Ping();
}

/// <summary>Key 1: OnDeactivateAsync throws. Key 2: it never completes and ignores its token.</summary>
public sealed class BadDeactivationGrain(Journal journal) : Grain, IBadDeactivationGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        journal.Add($"activate bad {GetPrimaryKeyLong()}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        GetPrimaryKeyLong() == 1
            ? throw new InvalidOperationException("cannot deactivate")
            : new TaskCompletionSource().Task;

    public Task Retire()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task Ping() => Task.CompletedTask;
}
