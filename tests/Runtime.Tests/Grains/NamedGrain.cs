using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests.Grains;

public interface INamedGrain : IGrainWithStringKey
{
    Task<string> Name();

    /// <summary>Id of the scoped service injected into this activation.</summary>
    Task<Guid> ScopedResourceId();

    Task Retire();
}

/// <summary>String-keyed grain with a scoped dependency, to check constructor injection and per-activation scopes.</summary>
public sealed class NamedGrain(Journal journal, ScopedResource resource) : Grain, INamedGrain
{
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        journal.Add($"deactivate named {GetPrimaryKeyString()} {reason}");
        return Task.CompletedTask;
    }

    public Task<string> Name() => Task.FromResult(GetPrimaryKeyString());

    public Task<Guid> ScopedResourceId() => Task.FromResult(resource.Id);

    public Task Retire()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public sealed class ScopedResource(Journal journal) : IDisposable
{
    public Guid Id { get; } = Guid.NewGuid();

    public void Dispose() => journal.Add($"disposed {Id}");
}
