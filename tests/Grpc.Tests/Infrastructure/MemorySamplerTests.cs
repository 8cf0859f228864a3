using PriceIngest.Grpc.Tests.Interop;
using Xunit.Abstractions;

namespace PriceIngest.Grpc.Tests.Infrastructure;

/// <summary>The memory bound of the long-stream tests can fail: held memory shows, garbage does not.</summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class MemorySamplerTests(ITestOutputHelper output)
{
    private const int Chunks = 100_000;
    private const int ChunkBytes = 1_000;

    [Fact]
    public void Memory_held_across_collections_is_measured_and_garbage_is_not()
    {
        var held = new List<byte[]>(Chunks);
        using (var sampler = MemorySampler.Start())
        {
            for (var i = 0; i < Chunks; i++)
            {
                held.Add(new byte[ChunkBytes]);
                // As much garbage again, which collections free.
                GC.KeepAlive(new byte[ChunkBytes]);
            }

            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            var holding = sampler.Stop();
            output.WriteLine($"holding ~95 MiB: {holding}");

            // About 95 MiB are held; the GC's accounting (free space in swept, uncompacted
            // generations) has shown as little as 79 MiB of it after many earlier tests.
            Assert.True(holding.PeakRetainedGrowth > 64L * 1024 * 1024, holding.ToString());
        }

        held.Clear();
        using (var sampler = MemorySampler.Start())
        {
            for (var i = 0; i < 2 * Chunks; i++)
            {
                GC.KeepAlive(new byte[ChunkBytes]);
            }

            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            var garbage = sampler.Stop();
            output.WriteLine($"garbage only: {garbage}");

            Assert.True(garbage.PeakRetainedGrowth < 32L * 1024 * 1024, garbage.ToString());
        }
    }
}
