using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests.Grains;

public interface IFlakyGrain : IGrainWithIntegerKey
{
    Task<string> Ping();
}

/// <summary>How many of the next activations of <see cref="FlakyGrain"/> fail.</summary>
public sealed class FlakyActivation
{
    private int _failuresLeft;

    public void FailNext(int count) => _failuresLeft = count;

    public bool ShouldFail() => Interlocked.Decrement(ref _failuresLeft) >= 0;
}

public sealed class FlakyGrain(Journal journal, Gates gates, FlakyActivation flaky) : Grain, IFlakyGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        journal.Add("activating flaky");
        await gates.Pass("activate");
        if (flaky.ShouldFail())
        {
            throw new InvalidOperationException("activation failed");
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        journal.Add($"deactivate flaky {reason}");
        return Task.CompletedTask;
    }

    public Task<string> Ping()
    {
        journal.Add("ping");
        return Task.FromResult("pong");
    }
}
