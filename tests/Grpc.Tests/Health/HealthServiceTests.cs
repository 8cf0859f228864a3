using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using PriceIngest.Api.Grpc;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;
using HealthClient = Grpc.Health.V1.Health.HealthClient;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace PriceIngest.Grpc.Tests.Health;

/// <summary>
/// grpc.health.v1.Health as AddPriceIngestGrpc sets it up: Check and Watch follow the ASP.NET
/// health checks tagged "ready" (published every Grpc:HealthPollInterval, 1 s here) for the server
/// ("") and each public service; NOT_SERVING once the host is stopping. (The old layer's
/// HealthStatusRegistry had its statuses set by hand, and these tests set them so.)
/// </summary>
public sealed class HealthServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(15);

    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;

    private HealthClient Health => new(_channel);

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync();
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Check_answers_serving_for_the_server_and_each_public_service_while_ready()
    {
        foreach (var service in GrpcApi.HealthServiceNames)
        {
            var reply = await Health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: In(10));

            Assert.Equal(ServingStatus.Serving, reply.Status);
        }

        Assert.Contains("priceingest.v1.IngestService", GrpcApi.HealthServiceNames);
        Assert.Contains("priceingest.v1.PriceService", GrpcApi.HealthServiceNames);
    }

    [Fact]
    public async Task Check_follows_readiness_down_and_up_again()
    {
        _server.Readiness.Ready = false;
        foreach (var service in GrpcApi.HealthServiceNames)
        {
            await _server.WaitForHealthAsync(service, ServingStatus.NotServing, Propagation);
        }

        _server.Readiness.Ready = true;
        foreach (var service in GrpcApi.HealthServiceNames)
        {
            await _server.WaitForHealthAsync(service, ServingStatus.Serving, Propagation);
        }
    }

    [Fact]
    public async Task Check_of_an_unknown_service_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Health.CheckAsync(new HealthCheckRequest { Service = "nope" }, deadline: In(10)));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Watch_streams_the_status_and_each_change_of_readiness()
    {
        using var watch = Health.Watch(new HealthCheckRequest { Service = "priceingest.v1.IngestService" }, deadline: In(30));

        Assert.Equal(ServingStatus.Serving, await Next(watch));
        _server.Readiness.Ready = false;
        Assert.Equal(ServingStatus.NotServing, await Next(watch));
        _server.Readiness.Ready = true;
        Assert.Equal(ServingStatus.Serving, await Next(watch));
    }

    [Fact]
    public async Task Watch_of_an_unknown_service_reports_service_unknown()
    {
        using var watch = Health.Watch(new HealthCheckRequest { Service = "nope" }, deadline: In(10));

        Assert.Equal(ServingStatus.ServiceUnknown, await Next(watch));
    }

    [Fact]
    public async Task Stopping_host_turns_watchers_not_serving_and_ends_their_watch_while_calls_in_flight_finish()
    {
        var tag = Guid.NewGuid().ToString("N");
        using var watch = Health.Watch(new HealthCheckRequest(), deadline: In(30));
        Assert.Equal(ServingStatus.Serving, await Next(watch));
        var inFlight = new EchoService.EchoServiceClient(_channel).SleepAsync(new SleepRequest { Milliseconds = 1500, Tag = tag }, deadline: In(30));
        await _server.Probe.WaitAsync(tag + ":started", TimeSpan.FromSeconds(10));

        var stopping = _server.StopAsync();
        var afterStop = new List<ServingStatus>();
        while (await watch.ResponseStream.MoveNext(CancellationToken.None))
        {
            afterStop.Add(watch.ResponseStream.Current.Status);
        }

        // The watch ends OK (the server completes it as it stops) with NOT_SERVING as its last
        // word; the call that was running when the host began to stop still gets its answer.
        Assert.NotEmpty(afterStop);
        Assert.All(afterStop, status => Assert.Equal(ServingStatus.NotServing, status));
        Assert.Equal(StatusCode.OK, watch.GetStatus().StatusCode);
        Assert.True((await inFlight).SleptMs >= 1000);
        Assert.Equal("completed", await _server.Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)));
        await stopping;
    }

    private static async Task<ServingStatus> Next(AsyncServerStreamingCall<HealthCheckResponse> watch)
    {
        using var timeout = new CancellationTokenSource(Propagation);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        return watch.ResponseStream.Current.Status;
    }

    private static DateTime In(double seconds) => DateTime.UtcNow.AddSeconds(seconds);
}
