using System.Diagnostics;

namespace PriceIngest.Grpc.Tests.Infrastructure;

/// <summary>
/// Samples this process's managed heap and working set while a test runs. The test server runs
/// in this process, so growth over the baseline is what the server held on to.
/// </summary>
public sealed class MemorySampler : IDisposable
{
    private readonly long _baselineHeap;
    private readonly long _baselineWorkingSet;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peakHeap;
    private long _peakWorkingSet;

    private MemorySampler()
    {
        _baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
        using (var self = Process.GetCurrentProcess())
        {
            _baselineWorkingSet = self.WorkingSet64;
        }

        _peakHeap = _baselineHeap;
        _peakWorkingSet = _baselineWorkingSet;
        _sampling = Task.Run(SampleAsync);
    }

    public static MemorySampler Start() => new();

    public Measurement Stop()
    {
        _stop.Cancel();
        _sampling.Wait(TimeSpan.FromSeconds(5));
        return new Measurement(_peakHeap - _baselineHeap, _peakWorkingSet - _baselineWorkingSet, _baselineWorkingSet);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var self = Process.GetCurrentProcess();
        while (!_stop.IsCancellationRequested)
        {
            _peakHeap = Math.Max(_peakHeap, GC.GetTotalMemory(forceFullCollection: false));
            self.Refresh();
            _peakWorkingSet = Math.Max(_peakWorkingSet, self.WorkingSet64);
            try
            {
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public sealed record Measurement(long PeakHeapGrowth, long PeakWorkingSetGrowth, long BaselineWorkingSet)
    {
        public override string ToString() =>
            $"peak managed heap +{PeakHeapGrowth / 1048576.0:F1} MiB, peak working set +{PeakWorkingSetGrowth / 1048576.0:F1} MiB (baseline {BaselineWorkingSet / 1048576.0:F0} MiB)";
    }
}
