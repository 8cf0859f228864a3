using PriceIngest.Runtime.Tests.Grains;
using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests;

public sealed class CollectionTests
{
    [Fact]
    public async Task Idle_grain_is_deactivated_and_reactivated_with_fresh_state()
    {
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.IdleAge = TimeSpan.FromMilliseconds(200);
            o.CollectionInterval = TimeSpan.FromMilliseconds(20);
        });
        var grain = silo.Factory.GetGrain<ICounterGrain>(1);
        await grain.Increment();
        Assert.Equal(2, await grain.Increment().Within());

        await Eventually.True(() => !silo.Runtime.IsActive<ICounterGrain>(1), "the idle grain is collected");

        Assert.Contains("deactivate counter 1 IdleTimeout", silo.Journal.Entries);
        Assert.Equal(1, await grain.Increment().Within());
        Assert.Equal(2, silo.Journal.Count("activate counter 1"));
    }

    [Fact]
    public async Task Grain_is_not_collected_while_a_call_runs_however_long()
    {
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.IdleAge = TimeSpan.FromMilliseconds(100);
            o.CollectionInterval = TimeSpan.FromMilliseconds(20);
        });
        var grain = silo.Factory.GetGrain<IGateGrain>(1);
        silo.Gates.Hold("long");
        var call = grain.Run("long");
        await Eventually.True(() => silo.Journal.Contains("start long"), "the long call has started");

        await Task.Delay(600); // six idle ages and some thirty scans

        Assert.True(silo.Runtime.IsActive<IGateGrain>(1));
        Assert.Equal(0, silo.Journal.Count("deactivate"));
        silo.Gates.Release("long");
        Assert.Equal(1, await call.Within());
        await Eventually.True(() => !silo.Runtime.IsActive<IGateGrain>(1), "the grain is collected once idle");
    }

    [Fact]
    public async Task GrainIdleAge_attribute_overrides_the_idle_age_for_its_class()
    {
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.IdleAge = TimeSpan.FromMinutes(10);
            o.CollectionInterval = TimeSpan.FromMilliseconds(20);
        });
        await silo.Factory.GetGrain<IShortLivedGrain>(1).Ping().Within(); // [GrainIdleAge(0.2)]
        await silo.Factory.GetGrain<ICounterGrain>(1).Increment().Within();

        await Eventually.True(() => !silo.Runtime.IsActive<IShortLivedGrain>(1), "the short-lived grain is collected");

        Assert.True(silo.Runtime.IsActive<ICounterGrain>(1));
    }

    [Fact]
    public async Task Exceeding_the_cap_deactivates_the_least_recently_used_grains()
    {
        // The interval is far away: the collector must be woken by the activation that crosses the cap.
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.MaxActiveGrains = 10;
            o.IdleAge = TimeSpan.FromMinutes(10);
            o.CollectionInterval = TimeSpan.FromMinutes(10);
        });

        // Use order, oldest first: 6, 7, 8, 9, 10, 1, 2, 3, 4, 5. Spaced out so the millisecond clock tells them apart.
        foreach (var key in Enumerable.Range(1, 10).Concat(Enumerable.Range(1, 5)))
        {
            await silo.Factory.GetGrain<ICounterGrain>(key).Increment().Within();
            await Task.Delay(15);
        }

        Assert.Equal(10, silo.Runtime.ActiveCount);
        await silo.Factory.GetGrain<ICounterGrain>(11).Increment().Within();

        // 11 > 10: evict down to 90% of the cap, i.e. the two least recently used.
        await Eventually.True(() => silo.Runtime.ActiveCount == 9, "the activation count is back to 90% of the cap");
        Assert.Equal(
            [1, 2, 3, 4, 5, 8, 9, 10, 11],
            silo.Runtime.ActiveKeys<ICounterGrain>().Order());
        Assert.Equal(
            ["deactivate counter 6 CapacityExceeded", "deactivate counter 7 CapacityExceeded"],
            silo.Journal.Entries.Where(e => e.StartsWith("deactivate", StringComparison.Ordinal)).Order());
        await Eventually.True(() => silo.Logs.Has(1004), "the capacity collection is logged"); // logged after it starts the deactivations
    }

    [Fact]
    public async Task Grain_keeping_itself_active_is_not_evicted_for_capacity_but_still_expires_when_idle()
    {
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.MaxActiveGrains = 3;
            o.IdleAge = TimeSpan.FromMinutes(10);
            o.CollectionInterval = TimeSpan.FromMilliseconds(20);
        });
        await silo.Factory.GetGrain<IPinnedGrain>(1).Pin(true).Within();
        await Task.Delay(15);

        // The pinned grain is the least recently used, yet the counters are the ones evicted.
        foreach (var key in Enumerable.Range(1, 6))
        {
            await silo.Factory.GetGrain<ICounterGrain>(key).Increment().Within();
            await Task.Delay(15);
        }

        await Eventually.True(() => silo.Runtime.ActiveCount <= 3, "the cap is enforced");
        Assert.True(silo.Runtime.IsActive<IPinnedGrain>(1));

        await silo.Factory.GetGrain<IPinnedGrain>(1).Pin(false).Within();
        foreach (var key in Enumerable.Range(7, 4))
        {
            await silo.Factory.GetGrain<ICounterGrain>(key).Increment().Within();
            await Task.Delay(15);
        }

        await Eventually.True(() => !silo.Runtime.IsActive<IPinnedGrain>(1), "an unpinned grain is evicted like any other");
    }

    [Fact]
    public async Task Grain_used_outside_calls_is_not_collected_while_used_and_expires_once_unused()
    {
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.IdleAge = TimeSpan.FromMilliseconds(200);
            o.CollectionInterval = TimeSpan.FromMilliseconds(20);
        });
        await silo.Factory.GetGrain<IPublishingGrain>(41).Activate().Within();
        await silo.Factory.GetGrain<IPublishingGrain>(42).Activate().Within();

        // Readers keep using 41's published state for five idle ages, without a call.
        var until = Environment.TickCount64 + 1_000;
        while (Environment.TickCount64 < until)
        {
            PublishingGrain.Uses[41] = Environment.TickCount64;
            await Task.Delay(20);
        }

        Assert.True(silo.Runtime.IsActive<IPublishingGrain>(41), "a grain in use outside calls was collected");
        Assert.False(silo.Runtime.IsActive<IPublishingGrain>(42), "the unused grain was kept");
        await Eventually.True(() => !silo.Runtime.IsActive<IPublishingGrain>(41), "the grain is collected once no longer used");
    }

    [Fact]
    public async Task Busy_grains_are_never_evicted_for_capacity()
    {
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.MaxActiveGrains = 2;
            o.CollectionInterval = TimeSpan.FromMilliseconds(20);
        });
        foreach (var key in new[] { 1, 2, 3 })
        {
            silo.Gates.Hold($"busy {key}");
        }

        var calls = new[] { 1, 2, 3 }.Select(key => silo.Factory.GetGrain<IGateGrain>(key).Run($"busy {key}")).ToList();
        await Eventually.True(() => silo.Journal.Count("start busy") == 3, "all three grains are busy");
        await Eventually.True(() => silo.Logs.Has(1004), "a capacity collection ran");

        Assert.Equal(3, silo.Runtime.ActiveCount);
        foreach (var key in new[] { 1, 2, 3 })
        {
            silo.Gates.Release($"busy {key}");
        }

        var results = await Task.WhenAll(calls).Within();
        Assert.Equal([1, 1, 1], results);
        await Eventually.True(() => silo.Runtime.ActiveCount <= 2, "idle grains are evicted once the calls finish");
    }
}
