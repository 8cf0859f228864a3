using System.Diagnostics;
using Grpc.Core;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;
using Xunit.Abstractions;

namespace PriceIngest.Grpc.Tests.Interop;

/// <summary>Unary round-trip latency on loopback, measured from both clients (reported; loose bound).</summary>
public sealed class LatencyTests(EchoServerFixture fixture, ITestOutputHelper output) : IClassFixture<EchoServerFixture>
{
    private const int Calls = 1000;

    [Fact]
    public async Task Unary_latency_from_our_client()
    {
        using var channel = fixture.Server.CreateChannel();
        var client = new EchoService.EchoServiceClient(channel);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(60));
        // Warm up past tiered JIT compilation, or the first calls dominate the mean.
        for (var i = 0; i < 300; i++)
        {
            await client.UnaryAsync(new EchoRequest { Message = "warm-up" }, options);
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            await client.UnaryAsync(new EchoRequest { Message = "ping" }, options);
        }

        var meanMs = watch.Elapsed.TotalMilliseconds / Calls;
        output.WriteLine($"our client -> our server: unary mean {meanMs:F3} ms over {Calls} sequential calls");
        Assert.True(meanMs < 20, $"{meanMs} ms");
    }

    [Fact]
    public async Task Unary_latency_from_python()
    {
        var result = await PythonGrpc.RunClientAsync(fixture.Server.Port, "unary_latency", TimeSpan.FromSeconds(60), Calls.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var meanMs = result.GetProperty("mean_ms").GetDouble();
        output.WriteLine($"python grpcio -> our server: unary mean {meanMs:F3} ms over {Calls} sequential calls");
        Assert.True(meanMs < 20, $"{meanMs} ms");
    }
}
