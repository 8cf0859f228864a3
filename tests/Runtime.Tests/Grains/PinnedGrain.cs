namespace PriceIngest.Runtime.Tests.Grains;

public interface IPinnedGrain : IGrainWithIntegerKey
{
    Task Pin(bool pinned);
}

/// <summary>Holds "work in progress" between calls while pinned, like an open upload.</summary>
public sealed class PinnedGrain : Grain, IPinnedGrain
{
    private volatile bool _pinned;

    protected internal override bool KeepActive => _pinned;

    public Task Pin(bool pinned)
    {
        _pinned = pinned;
        return Task.CompletedTask;
    }
}
