using System.Diagnostics;
using Grpc.Core;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;
using Xunit.Abstractions;

namespace PriceIngest.Grpc.Tests.Interop;

/// <summary>
/// A 1,000,000-message client stream must run in constant server memory: messages are read as
/// they arrive, never collected. Measured alone (no other test allocating meanwhile), from our
/// client, which pushes the server about seven times faster than grpcio can.
/// </summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class MillionMessageTests(ITestOutputHelper output)
{
    private const int Count = 1_000_000;
    private const int Pad = 64;

    // The stream carries about 75 MB; a server that buffered it would exceed this many times over.
    private const long MaxHeapGrowth = 48L * 1024 * 1024;

    [Fact]
    public async Task Our_client_streams_a_million_messages_in_constant_server_memory()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = server.CreateChannel();
        var pad = Google.Protobuf.ByteString.CopyFrom(new byte[Pad]);

        using var sampler = MemorySampler.Start();
        var watch = Stopwatch.StartNew();
        using var call = new EchoService.EchoServiceClient(channel).ClientStream(new CallOptions(deadline: DateTime.UtcNow.AddSeconds(90)));
        for (var i = 0; i < Count; i++)
        {
            await call.RequestStream.WriteAsync(new Number { Value = i, Pad = pad });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;
        watch.Stop();
        var memory = sampler.Stop();

        output.WriteLine($"our client -> our server: {Count:N0} messages ({Pad}-byte pad) in {watch.Elapsed.TotalSeconds:F2} s; {memory}");
        Assert.Equal(Count, reply.Count);
        Assert.Equal((long)Count * (Count - 1) / 2, reply.Sum);
        Assert.True(memory.Collections > 0, memory.ToString());
        Assert.True(memory.PeakRetainedGrowth < MaxHeapGrowth, memory.ToString());
    }
}

/// <summary>Memory measurements must not overlap with other heavy tests in this process.</summary>
[CollectionDefinition(nameof(MemoryMeasurements), DisableParallelization = true)]
public sealed class MemoryMeasurements;
