using Microsoft.Extensions.DependencyInjection;
using PriceIngest.Runtime.Tests.Grains;
using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests;

public sealed class ActivationTests
{
    [Fact]
    public async Task Getting_a_reference_does_not_activate_the_grain()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);

        var grain = silo.Factory.GetGrain<ICounterGrain>(7);

        Assert.False(silo.Runtime.IsActive<ICounterGrain>(7));
        Assert.Equal(0, silo.Runtime.ActiveCount);
        Assert.Equal(1, await grain.Increment().Within());
        Assert.True(silo.Runtime.IsActive<ICounterGrain>(7));
        Assert.Equal(["activate counter 7"], silo.Journal.Entries);
    }

    [Fact]
    public async Task References_to_the_same_grain_are_equal_and_share_one_activation()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var first = silo.Factory.GetGrain<ICounterGrain>(1);
        var second = silo.Factory.GetGrain<ICounterGrain>(1);
        var other = silo.Factory.GetGrain<ICounterGrain>(2);

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, other);
        Assert.Contains("ICounterGrain/1", first.ToString(), StringComparison.Ordinal);

        await first.Increment();
        Assert.Equal(2, await second.Increment().Within());
        Assert.Equal(1, await other.Increment().Within());
    }

    [Fact]
    public async Task Grains_get_constructor_injection_their_key_and_a_scope_per_activation()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var alpha = silo.Factory.GetGrain<INamedGrain>("alpha");
        var beta = silo.Factory.GetGrain<INamedGrain>("beta");

        Assert.Equal("alpha", await alpha.Name().Within());
        Assert.Equal(42, await silo.Factory.GetGrain<ICounterGrain>(42).Key().Within());
        var alphaResource = await alpha.ScopedResourceId().Within();
        Assert.Equal(alphaResource, await alpha.ScopedResourceId().Within());
        Assert.NotEqual(alphaResource, await beta.ScopedResourceId().Within());

        await alpha.Retire().Within();
        await Eventually.True(() => silo.Journal.Contains($"disposed {alphaResource}"), "the scope of the deactivated activation is disposed");
        Assert.NotEqual(alphaResource, await alpha.ScopedResourceId().Within());
    }

    [Fact]
    public async Task Failed_activation_is_retried_on_the_next_call()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        silo.Services.GetService<FlakyActivation>()!.FailNext(1);
        silo.Gates.Hold("activate");
        var grain = silo.Factory.GetGrain<IFlakyGrain>(1);

        var first = grain.Ping();
        await Eventually.True(() => silo.Journal.Contains("activating flaky"), "OnActivateAsync is running");
        var queuedBehind = grain.Ping();
        silo.Gates.Release("activate");

        Assert.Equal("activation failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => first.Within())).Message);
        Assert.Equal("activation failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => queuedBehind.Within())).Message);
        Assert.False(silo.Runtime.IsActive<IFlakyGrain>(1));
        Assert.True(silo.Logs.Has(1000));

        Assert.Equal("pong", await grain.Ping().Within());
        Assert.Equal(["activating flaky", "activating flaky", "ping"], silo.Journal.Entries); // discarded without OnDeactivateAsync
        var statistics = silo.Runtime.Statistics;
        Assert.Equal(1, statistics.Activations);
        Assert.Equal(2, statistics.FailedCalls);
        Assert.Equal(1, statistics.ActiveGrains);
    }

    [Fact]
    public async Task DeactivateOnIdle_deactivates_after_the_current_call_and_forwards_queued_calls()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var grain = silo.Factory.GetGrain<IGateGrain>(1);
        silo.Gates.Hold("a");
        var retiring = grain.RunThenRetire("a");
        await Eventually.True(() => silo.Journal.Contains("start a"), "the retiring call holds the grain");
        var queued = grain.Run("b");

        silo.Gates.Release("a");

        Assert.Equal(1, await retiring.Within());
        Assert.Equal(1, await queued.Within()); // served by a fresh activation
        Assert.Equal(
            ["activate gate 1", "start a", "end a", "deactivate gate 1 ApplicationRequested", "activate gate 1", "start b", "end b"],
            silo.Journal.Entries);
        Assert.Equal(2, silo.Runtime.Statistics.Activations);
        Assert.Equal(1, silo.Runtime.Statistics.Deactivations);
    }

    [Fact]
    public async Task Exception_in_OnDeactivateAsync_is_logged_and_the_grain_can_reactivate()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var grain = silo.Factory.GetGrain<IBadDeactivationGrain>(1);

        await grain.Retire().Within();
        await Eventually.True(() => !silo.Runtime.IsActive<IBadDeactivationGrain>(1), "the grain is gone despite the failure");

        var logged = Assert.Single(silo.Logs.Entries, e => e.EventId.Id == 1001);
        Assert.Equal("cannot deactivate", logged.Exception?.Message);
        await grain.Ping().Within();
        Assert.Equal(2, silo.Journal.Count("activate bad 1"));
    }

    [Fact]
    public async Task Deactivation_race_never_runs_two_activations_of_one_key()
    {
        // Tiny idle age and a collector that scans constantly, plus explicit DeactivateOnIdle, so that calls keep
        // arriving while their activation is being deactivated.
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.IdleAge = TimeSpan.FromMilliseconds(1);
            o.CollectionInterval = TimeSpan.FromMilliseconds(1);
        });
        var monitor = silo.Services.GetService<RaceMonitor>()!;
        const int Keys = 3;
        const int Workers = 8;
        const int CallsPerWorker = 250;

        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < CallsPerWorker; i++)
            {
                var grain = silo.Factory.GetGrain<IRaceGrain>(random.Next(Keys));
                await grain.Touch(retire: random.Next(10) == 0);
                if (random.Next(4) == 0)
                {
                    await Task.Delay(1);
                }
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(20));
        await silo.StopAsync();

        Assert.Equal(0, monitor.Violations);
        Assert.Equal(Workers * CallsPerWorker, monitor.Calls);
        Assert.True(monitor.Activations > 10 * Keys, $"only {monitor.Activations} activations: the race was not exercised");
        foreach (var (key, lifecycle) in monitor.Lifecycles)
        {
            // Activate and deactivate strictly alternate, and everything ended deactivated.
            Assert.Matches("^(AD)+$", lifecycle);
        }

        Assert.Equal(0, silo.Runtime.ActiveCount);
    }
}
