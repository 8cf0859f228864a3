using System.Diagnostics;

namespace PriceIngest.Grpc.Tests.Infrastructure;

/// <summary>
/// Samples this process's managed heap and working set while a test runs. The test server runs
/// in this process, so growth over the baseline is what the server held on to.
/// </summary>
/// <remarks>
/// What the server holds is the heap that survives collections: the heap size each garbage
/// collection leaves behind, with a gen1 collection induced every half second so that there are
/// enough of them. The heap between collections also counts the garbage that the next collection
/// frees (up to the GC's gen0 budget, some 80 MiB on this machine whatever the server does), so
/// that peak is reported, not asserted on.
/// </remarks>
public sealed class MemorySampler : IDisposable
{
    private readonly long _baselineHeap;
    private readonly long _baselineRetained;
    private readonly long _baselineWorkingSet;
    private readonly long _baselineGcIndex;
    private readonly int _baselineCollections;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peakHeap;
    private long _peakRetained;
    private long _peakWorkingSet;

    private MemorySampler()
    {
        // What earlier tests left to finalizers would otherwise count in the baseline and be freed
        // during the measurement, hiding as much growth.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
        var afterFullCollection = GC.GetGCMemoryInfo();
        _baselineRetained = afterFullCollection.HeapSizeBytes - afterFullCollection.FragmentedBytes;
        _baselineGcIndex = afterFullCollection.Index;
        _baselineCollections = GC.CollectionCount(0);
        using (var self = Process.GetCurrentProcess())
        {
            _baselineWorkingSet = self.WorkingSet64;
        }

        _peakHeap = _baselineHeap;
        _peakRetained = _baselineRetained;
        _peakWorkingSet = _baselineWorkingSet;
        _sampling = Task.Run(SampleAsync);
    }

    public static MemorySampler Start() => new();

    public Measurement Stop()
    {
        _stop.Cancel();
        _sampling.Wait(TimeSpan.FromSeconds(5));
        Sample(null);
        return new Measurement(
            _peakRetained - _baselineRetained, _peakHeap - _baselineHeap, _peakWorkingSet - _baselineWorkingSet, _baselineWorkingSet,
            GC.CollectionCount(0) - _baselineCollections);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var self = Process.GetCurrentProcess();
        for (var tick = 1; !_stop.IsCancellationRequested; tick++)
        {
            if (tick % 25 == 0)
            {
                GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            }

            Sample(self);
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

    private void Sample(Process? self)
    {
        _peakHeap = Math.Max(_peakHeap, GC.GetTotalMemory(forceFullCollection: false));
        // Each kind on its own: a background collection that began earlier may end after a later
        // ephemeral one, and the latest of all would then report the older, smaller heap.
        foreach (var kind in (ReadOnlySpan<GCKind>)[GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background])
        {
            var last = GC.GetGCMemoryInfo(kind);
            if (last.Index > _baselineGcIndex)
            {
                _peakRetained = Math.Max(_peakRetained, last.HeapSizeBytes - last.FragmentedBytes);
            }
        }

        if (self is not null)
        {
            self.Refresh();
            _peakWorkingSet = Math.Max(_peakWorkingSet, self.WorkingSet64);
        }
    }

    /// <param name="PeakRetainedGrowth">Growth of the heap that collections left behind: what was held.</param>
    /// <param name="PeakHeapGrowth">Growth of the heap between collections, garbage included.</param>
    /// <param name="PeakWorkingSetGrowth">Growth of the process's working set.</param>
    /// <param name="BaselineWorkingSet">The working set at the start.</param>
    /// <param name="Collections">Collections meanwhile (none: nothing measured what was retained).</param>
    public sealed record Measurement(long PeakRetainedGrowth, long PeakHeapGrowth, long PeakWorkingSetGrowth, long BaselineWorkingSet, int Collections)
    {
        public override string ToString() =>
            $"peak heap after a collection +{PeakRetainedGrowth / 1048576.0:F1} MiB over {Collections} collections, " +
            $"peak heap with garbage +{PeakHeapGrowth / 1048576.0:F1} MiB, " +
            $"peak working set +{PeakWorkingSetGrowth / 1048576.0:F1} MiB (baseline {BaselineWorkingSet / 1048576.0:F0} MiB)";
    }
}
