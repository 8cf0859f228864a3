using System.Globalization;
using PriceIngest.Grpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PriceIngest.Grpc.Tests.Interop;

/// <summary>
/// Python grpcio streams a long client stream to our server, which must read it as it arrives and
/// in bounded memory. It proves behaviour, not speed: grpcio sends about 20,000 messages a second
/// whoever the server is, and a busy machine may give it a third of that, so the stream is sized
/// to take well under a minute even then (150,000 messages of 512 bytes, about 80 MB: ~8 s at
/// the usual pace, ~23 s at a third), with a wide margin before the deadline. (It once sent a
/// million 64-byte messages, and on a loaded 2-core machine timed out at 100 s.) It runs alone (no
/// other test allocating meanwhile) so the memory it measures is the server's.
/// </summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class PythonLongStreamTests(ITestOutputHelper output)
{
    private const int Count = 150_000;
    private const int Pad = 512;

    // The stream carries about 80 MB; a server that buffered it would exceed this several times over.
    private const long MaxHeapGrowth = 32L * 1024 * 1024;

    private static readonly TimeSpan StreamDeadline = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task Python_streams_a_long_client_stream_read_incrementally_in_bounded_memory()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var tag = Guid.NewGuid().ToString("N");
        using var sampler = MemorySampler.Start();

        var script = PythonGrpc.RunClientAsync(server.Port, "million", StreamDeadline + TimeSpan.FromSeconds(30),
            Count.ToString(CultureInfo.InvariantCulture), Pad.ToString(CultureInfo.InvariantCulture), tag,
            StreamDeadline.TotalSeconds.ToString(CultureInfo.InvariantCulture));

        // The handler works on the stream while the client is still sending it.
        await server.Probe.WaitAsync(tag + ":first", TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var readMidway = server.Probe.ClientStreamMessagesRead;
        Assert.False(script.IsCompleted, "the client finished before the midway check");
        Assert.InRange(readMidway, 1, Count - 1);

        var result = await script;
        var memory = sampler.Stop();
        var seconds = result.GetProperty("seconds").GetDouble();
        output.WriteLine(
            $"python grpcio -> our server: {Count:N0} messages ({Pad}-byte pad) in {seconds:F2} s " +
            $"({Count / seconds:N0} msg/s); {readMidway:N0} already handled 2 s after the first; {memory}");
        Assert.Equal(Count, server.Probe.ClientStreamMessagesRead);
        Assert.True(memory.Collections > 0, memory.ToString());
        Assert.True(memory.PeakRetainedGrowth < MaxHeapGrowth, memory.ToString());
    }
}
