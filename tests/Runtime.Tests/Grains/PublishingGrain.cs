namespace PriceIngest.Runtime.Tests.Grains;

public interface IPublishingGrain : IGrainWithIntegerKey
{
    Task Activate();
}

/// <summary>Publishes state that readers use without calling it, like a lane: its uses are recorded in <see cref="Uses"/>.</summary>
public sealed class PublishingGrain : Grain, IPublishingGrain
{
    /// <summary>Environment.TickCount64 of the last outside use, per key.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<long, long> Uses = new();

    protected internal override long LastUseOutsideCalls => Uses.TryGetValue(GetPrimaryKeyLong(), out var at) ? at : long.MinValue;

    public Task Activate() => Task.CompletedTask;
}
