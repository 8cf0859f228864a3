using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PriceIngest.Runtime.Tests.Grains;
using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests;

public sealed class IntrospectionTests
{
    [Fact]
    public async Task ActiveKeys_lists_the_active_keys_of_one_interface()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        foreach (var key in new[] { 3, 5, 8 })
        {
            await silo.Factory.GetGrain<ICounterGrain>(key).Increment().Within();
        }

        await silo.Factory.GetGrain<IGateGrain>(4).Run("x").Within();

        Assert.Equal([3, 5, 8], silo.Runtime.ActiveKeys<ICounterGrain>().Order());
        Assert.Equal([4], silo.Runtime.ActiveKeys<IGateGrain>());
        Assert.Empty(silo.Runtime.ActiveKeys<IShortLivedGrain>());
        Assert.True(silo.Runtime.IsActive<ICounterGrain>(5));
        Assert.False(silo.Runtime.IsActive<IGateGrain>(5));

        await silo.Factory.GetGrain<ICounterGrain>(5).IncrementAndRetire().Within();
        await Eventually.True(() => !silo.Runtime.IsActive<ICounterGrain>(5), "key 5 is deactivated");
        Assert.Equal([3, 8], silo.Runtime.ActiveKeys<ICounterGrain>().Order());
        Assert.Equal(3, silo.Runtime.ActiveCount);
    }

    [Fact]
    public async Task Statistics_and_metrics_report_activations_calls_and_deactivations()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);
        var meterFactory = silo.Services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this container's meter: other tests run in parallel with their own runtimes.
            if (instrument.Meter.Name == "PriceIngest.Runtime" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            foreach (var tag in tags)
            {
                reason = tag.Key == "reason" ? tag.Value as string : reason;
            }

            measurements.Enqueue((instrument.Name, value, reason));
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measurements.Enqueue((instrument.Name, value, null)));
        listener.Start();

        var grain = silo.Factory.GetGrain<ICounterGrain>(1);
        await grain.Increment().Within();
        await grain.Increment().Within();
        listener.RecordObservableInstruments();
        await grain.IncrementAndRetire().Within();
        await Eventually.True(() => silo.Runtime.Statistics.Deactivations == 1, "the grain is deactivated");

        Assert.Equal(new GrainRuntimeStatistics(Activations: 1, Deactivations: 1, ActiveGrains: 0, QueuedCalls: 0, TotalCalls: 3, FailedCalls: 0), silo.Runtime.Statistics);
        Assert.Equal(3, measurements.Where(m => m.Instrument == "priceingest.grains.calls").Sum(m => m.Value));
        Assert.Equal(1, measurements.Where(m => m.Instrument == "priceingest.grains.activations").Sum(m => m.Value));
        Assert.Equal(("priceingest.grains.deactivations", 1L, "application_requested"), Assert.Single(measurements, m => m.Instrument == "priceingest.grains.deactivations"));
        Assert.Contains(("priceingest.grains.active", 1L, (string?)null), measurements);
        Assert.Contains(("priceingest.grains.queued", 0L, (string?)null), measurements);
    }
}
