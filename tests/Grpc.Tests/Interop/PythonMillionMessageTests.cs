using System.Globalization;
using PriceIngest.Grpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PriceIngest.Grpc.Tests.Interop;

/// <summary>
/// Python grpcio streams 1,000,000 messages to our server. grpcio sends about 20,000-25,000
/// messages a second whoever the server is (python-to-python runs at the same pace), so this is
/// the longest test. It runs alone (no other test allocating meanwhile) so the memory it measures
/// is the server's.
/// </summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class PythonMillionMessageTests(ITestOutputHelper output)
{
    private const int Count = 1_000_000;
    private const int Pad = 64;

    // The stream carries about 75 MB; a server that buffered it would exceed this many times over.
    private const long MaxHeapGrowth = 48L * 1024 * 1024;

    [Fact]
    public async Task Python_streams_a_million_messages_read_incrementally_in_bounded_memory()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var tag = Guid.NewGuid().ToString("N");
        using var sampler = MemorySampler.Start();

        var script = PythonGrpc.RunClientAsync(server.Port, "million", TimeSpan.FromSeconds(100),
            Count.ToString(CultureInfo.InvariantCulture), Pad.ToString(CultureInfo.InvariantCulture), tag);

        // The handler works on the stream while the client is still sending it.
        await server.Probe.WaitAsync(tag + ":first", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var readMidway = server.Probe.ClientStreamMessagesRead;
        Assert.False(script.IsCompleted, "the client finished before the midway check");
        Assert.InRange(readMidway, 1, Count - 1);

        var result = await script;
        var memory = sampler.Stop();
        var seconds = result.GetProperty("seconds").GetDouble();
        output.WriteLine(
            $"python grpcio -> our server: {Count:N0} messages ({Pad}-byte pad) in {seconds:F2} s " +
            $"({Count / seconds:N0} msg/s); {readMidway:N0} already handled 3 s after the first; {memory}");
        Assert.Equal(Count, server.Probe.ClientStreamMessagesRead);
        Assert.True(memory.PeakHeapGrowth < MaxHeapGrowth, memory.ToString());
    }
}
