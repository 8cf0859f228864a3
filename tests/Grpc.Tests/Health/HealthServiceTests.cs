using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Health;
using PriceIngest.Grpc.Health.V1;
using PriceIngest.Grpc.Tests.Infrastructure;
using ServingStatus = PriceIngest.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace PriceIngest.Grpc.Tests.Health;

public sealed class HealthServiceTests : IAsyncLifetime
{
    private GrpcTestServer _server = null!;

    public async Task InitializeAsync() => _server = await GrpcTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Check_answers_the_status_the_host_set()
    {
        using var channel = _server.CreateChannel();

        var before = await channel.AsyncUnaryCall(HealthMethods.Check, new HealthCheckRequest(), In(10));
        _server.Health.SetStatus("", ServingStatus.NotServing);
        var after = await channel.AsyncUnaryCall(HealthMethods.Check, new HealthCheckRequest(), In(10));

        Assert.Equal(ServingStatus.Serving, before.Status);
        Assert.Equal(ServingStatus.NotServing, after.Status);
    }

    [Fact]
    public async Task Check_of_an_unknown_service_is_not_found()
    {
        using var channel = _server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(HealthMethods.Check, new HealthCheckRequest { Service = "nope" }, In(10)));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Watch_streams_the_status_and_each_change()
    {
        using var channel = _server.CreateChannel();
        using var watch = channel.AsyncServerStreamingCall(HealthMethods.Watch, new HealthCheckRequest { Service = "prices" }, In(10));

        Assert.Equal(ServingStatus.ServiceUnknown, await Next(watch));
        _server.Health.SetStatus("prices", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await Next(watch));
        _server.Health.SetStatus("prices", ServingStatus.Serving);
        _server.Health.SetStatus("prices", ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await Next(watch));
    }

    [Fact]
    public async Task Delegate_source_is_polled_for_watchers()
    {
        var status = ServingStatus.Serving;
        var source = new DelegateHealthStatusSource(_ => status, TimeSpan.FromMilliseconds(50));
        using var context = new TestServerCallContext(TimeSpan.FromSeconds(5));
        using var writer = new RecordingWriter<HealthCheckResponse>();
        var service = new HealthService(source);

        var watching = service.Watch(new HealthCheckRequest(), writer, context);
        await writer.WaitForCountAsync(1);
        status = ServingStatus.NotServing;
        await writer.WaitForCountAsync(2);
        await context.CancelAsync();
        await watching;

        Assert.Equal([ServingStatus.Serving, ServingStatus.NotServing], writer.Messages.Select(m => m.Status));
    }

    private static async Task<ServingStatus> Next(AsyncServerStreamingCall<HealthCheckResponse> watch)
    {
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        return watch.ResponseStream.Current.Status;
    }

    private static CallOptions In(double seconds) => new() { Deadline = DateTime.UtcNow.AddSeconds(seconds) };
}
