using PriceIngest.Runtime.Tests.Grains;
using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests;

public sealed class ExecutionTests
{
    [Fact]
    public async Task Calls_to_one_grain_never_overlap()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var grain = silo.Factory.GetGrain<IGateGrain>(1);

        var callers = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await grain.Step();
            }
        }));
        await Task.WhenAll(callers).Within();

        Assert.Equal(1, await grain.MaxConcurrentSteps());
        Assert.Equal(101, silo.Runtime.Statistics.TotalCalls);
        Assert.Equal(1, silo.Runtime.Statistics.Activations);
    }

    [Fact]
    public async Task Calls_to_different_keys_run_concurrently()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        silo.Gates.Hold("one");
        silo.Gates.Hold("two");

        var first = silo.Factory.GetGrain<IGateGrain>(1).Run("one");
        var second = silo.Factory.GetGrain<IGateGrain>(2).Run("two");

        // Both are inside their grain at the same time; serialised execution would never get here.
        await Eventually.True(() => silo.Journal.Contains("start one") && silo.Journal.Contains("start two"), "both calls have started");
        silo.Gates.Release("one");
        silo.Gates.Release("two");
        Assert.Equal(1, await first.Within());
        Assert.Equal(1, await second.Within());
    }

    [Fact]
    public async Task Queued_calls_run_one_after_another_in_arrival_order()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var grain = silo.Factory.GetGrain<IGateGrain>(1);
        silo.Gates.Hold("first");
        var first = grain.Run("first");
        await Eventually.True(() => silo.Journal.Contains("start first"), "the first call holds the grain");

        var queued = Enumerable.Range(1, 10).Select(i => grain.Run($"q{i}")).ToList();
        await Eventually.True(() => silo.Runtime.Statistics.QueuedCalls == 10, "ten calls wait in the queue");
        Assert.DoesNotContain("start q1", silo.Journal.Entries);

        silo.Gates.Release("first");
        var results = await Task.WhenAll(queued).Within();

        Assert.Equal(1, await first);
        Assert.Equal(Enumerable.Range(2, 10), results);
        var starts = silo.Journal.Entries.Where(e => e.StartsWith("start", StringComparison.Ordinal));
        Assert.Equal(["start first", .. Enumerable.Range(1, 10).Select(i => $"start q{i}")], starts);
        Assert.Equal(0, silo.Runtime.Statistics.QueuedCalls);
    }

    [Fact]
    public async Task Exception_in_a_call_reaches_only_that_caller_and_the_grain_keeps_serving()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var grain = silo.Factory.GetGrain<IGateGrain>(1);
        silo.Gates.Hold("a");
        var before = grain.Run("a");
        await Eventually.True(() => silo.Journal.Contains("start a"), "the first call holds the grain");
        var failing = grain.Throw("boom");
        var after = grain.Run("b");

        silo.Gates.Release("a");

        Assert.Equal(1, await before.Within());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Within());
        Assert.Equal("boom", error.Message);
        Assert.Equal(2, await after.Within()); // same activation, state kept

        // A synchronous throw also comes back as a faulted task, not as an exception from the proxy call.
        var synchronous = grain.ThrowSynchronously("sync boom");
        Assert.Equal("sync boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => synchronous.Within())).Message);
        Assert.Equal(3, await grain.Run("c").Within());

        var statistics = silo.Runtime.Statistics;
        Assert.Equal(1, statistics.Activations);
        Assert.Equal(2, statistics.FailedCalls);
        Assert.Equal(0, statistics.Deactivations);
    }

    [Fact]
    public async Task Cancelled_queued_call_never_runs()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var grain = silo.Factory.GetGrain<IGateGrain>(1);
        silo.Gates.Hold("a");
        var holder = grain.Run("a");
        await Eventually.True(() => silo.Journal.Contains("start a"), "the first call holds the grain");

        using var cancellation = new CancellationTokenSource();
        var queued = grain.Run("b", cancellation.Token);
        Assert.Equal(1, silo.Runtime.Statistics.QueuedCalls);
        await cancellation.CancelAsync();

        // Completes as cancelled while the grain is still held by the first call.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.Within());
        Assert.True(queued.IsCanceled);
        Assert.Equal(0, silo.Runtime.Statistics.QueuedCalls);

        silo.Gates.Release("a");
        Assert.Equal(1, await holder.Within());
        Assert.Equal(2, await grain.Run("c").Within());
        Assert.DoesNotContain("start b", silo.Journal.Entries);
    }

    [Fact]
    public async Task Call_with_an_already_cancelled_token_never_runs()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var grain = silo.Factory.GetGrain<IGateGrain>(1);

        var call = grain.Run("never", new CancellationToken(canceled: true));

        Assert.True(call.IsCanceled);
        Assert.Equal(1, await grain.Run("later").Within());
        Assert.DoesNotContain("start never", silo.Journal.Entries);
    }

    [Fact]
    public async Task ValueTask_methods_work_inline_and_when_queued()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var grain = silo.Factory.GetGrain<IValueTaskGrain>(1);

        Assert.Equal(2, await grain.Add(2));
        silo.Gates.Hold("slow");
        var slow = grain.AddAfterGate(3, "slow").AsTask();
        var queued = grain.Add(10).AsTask();
        var reset = grain.Reset().AsTask();
        silo.Gates.Release("slow");

        Assert.Equal(5, await slow.Within());
        Assert.Equal(15, await queued.Within());
        await reset.Within();
        Assert.Equal(1, await grain.Add(1));
    }

    [Fact]
    public async Task Generic_methods_are_dispatched()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var grain = silo.Factory.GetGrain<IGateGrain>(1);

        Assert.Equal("text", await grain.Echo("text").Within());
        Assert.Equal(42, await grain.Echo(42).Within());
        Assert.Equal(DeactivationReason.IdleTimeout, await grain.Echo(DeactivationReason.IdleTimeout).Within());
    }
}
