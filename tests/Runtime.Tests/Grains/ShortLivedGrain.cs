namespace PriceIngest.Runtime.Tests.Grains;

public interface IShortLivedGrain : IGrainWithIntegerKey
{
    Task Ping();
}

[GrainIdleAge(0.2)]
public sealed class ShortLivedGrain : Grain, IShortLivedGrain
{
    public Task Ping() => Task.CompletedTask;
}
