using PriceIngest.Runtime.Tests.Grains;
using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Shutdown_deactivates_every_grain()
    {
        await using var silo = await TestSilo.StartAsync();
        foreach (var key in Enumerable.Range(1, 5))
        {
            await silo.Factory.GetGrain<ICounterGrain>(key).Increment().Within();
        }

        foreach (var name in new[] { "a", "b", "c" })
        {
            await silo.Factory.GetGrain<INamedGrain>(name).Name().Within();
        }

        Assert.Equal(8, silo.Runtime.ActiveCount);

        await silo.StopAsync().Within();

        Assert.Equal(0, silo.Runtime.ActiveCount);
        var deactivations = silo.Journal.Entries.Where(e => e.StartsWith("deactivate", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, deactivations.Count);
        Assert.All(deactivations, e => Assert.EndsWith("RuntimeShutdown", e, StringComparison.Ordinal));
        Assert.Equal(8, silo.Runtime.Statistics.Deactivations);

        // No new activations once shut down.
        await Assert.ThrowsAsync<InvalidOperationException>(() => silo.Factory.GetGrain<ICounterGrain>(1).Increment().Within());
    }

    [Fact]
    public async Task Shutdown_lets_the_running_call_finish_before_deactivating()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Factory.GetGrain<IGateGrain>(1);
        silo.Gates.Hold("a");
        var running = grain.Run("a");
        await Eventually.True(() => silo.Journal.Contains("start a"), "the call holds the grain");

        var stopping = silo.StopAsync();
        await Eventually.True(() => silo.Logs.Has(1006), "shutdown has begun");
        var queued = grain.Run("b");
        await Task.Delay(100);
        Assert.False(stopping.IsCompleted);
        silo.Gates.Release("a");
        await stopping.Within();

        Assert.Equal(1, await running.Within());
        await Assert.ThrowsAsync<InvalidOperationException>(() => queued.Within()); // forwarded, but no new activations now
        Assert.Equal(["activate gate 1", "start a", "end a", "deactivate gate 1 RuntimeShutdown"], silo.Journal.Entries);
    }

    [Fact]
    public async Task Shutdown_is_bounded_by_the_deactivation_timeout()
    {
        await using var silo = await TestSilo.StartAsync(o => o.DeactivationTimeout = TimeSpan.FromMilliseconds(300));
        await silo.Factory.GetGrain<IBadDeactivationGrain>(2).Ping().Within(); // its OnDeactivateAsync never completes

        await silo.StopAsync().Within();

        await Eventually.True(() => silo.Logs.Has(1002), "the hanging deactivation is reported");
        await Eventually.True(() => silo.Runtime.ActiveCount == 0, "the hanging activation is abandoned");
    }
}
