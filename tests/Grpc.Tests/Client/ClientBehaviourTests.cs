using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using PriceIngest.Grpc.Client;
using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Tests.Echo;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Client;

/// <summary>Our client against our server, where the server's side of each outcome can be observed.</summary>
public sealed class ClientBehaviourTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private readonly GrpcChannel _channel = fixture.Server.CreateChannel();

    private EchoProbe Probe => fixture.Server.Probe;

    [Fact]
    public async Task Deadline_reaches_the_handler_as_cancellation()
    {
        var tag = Tag();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _channel.AsyncUnaryCall(EchoMethods.Sleep, new SleepRequest { Milliseconds = 20_000, Tag = tag }, In(0.3)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains(await Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)), new[] { "deadline", "cancelled" });
    }

    [Fact]
    public async Task Cancellation_token_cancels_the_call_and_the_handler()
    {
        var tag = Tag();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _channel.AsyncUnaryCall(EchoMethods.Sleep, new SleepRequest { Milliseconds = 20_000, Tag = tag }, In(30) with { CancellationToken = cts.Token }));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("cancelled", await Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Disposing_a_streaming_call_cancels_the_handler()
    {
        var tag = Tag();
        var call = _channel.AsyncServerStreamingCall(EchoMethods.ServerStream, new StreamRequest { Count = 100_000, IntervalMs = 5, Tag = tag }, In(30));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        call.Dispose();

        Assert.Equal("cancelled", await Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)));
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Deadline_already_past_fails_without_calling_the_server()
    {
        var tag = Tag();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _channel.AsyncUnaryCall(EchoMethods.Sleep, new SleepRequest { Milliseconds = 1, Tag = tag }, new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(-1) }));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<TimeoutException>(() => Probe.WaitAsync(tag, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Server_sees_the_request_encoding()
    {
        var reply = await _channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Message = "z" }, In(10) with { RequestCompression = "gzip" });
        var plain = await _channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Message = "z" }, In(10));

        Assert.Equal("gzip", reply.RequestEncoding);
        Assert.Equal(string.Empty, plain.RequestEncoding);
    }

    [Fact]
    public async Task Handler_exception_reaches_the_client_as_generic_internal()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _channel.AsyncUnaryCall(EchoMethods.Fail, new FailRequest { Code = -1 }, In(10)));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("Exception was thrown by handler.", error.Status.Detail);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_over_the_client_send_limit_fails_locally()
    {
        var tag = Tag();
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 1024 });

        var unary = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(EchoMethods.Sleep, new SleepRequest { Tag = tag + new string('x', 2000) }, In(10)));
        using var stream = channel.AsyncClientStreamingCall(EchoMethods.ClientStream, In(10));
        await stream.RequestStream.WriteAsync(new Number { Value = 1 });
        var write = await Assert.ThrowsAsync<RpcException>(() => stream.RequestStream.WriteAsync(new Number { Pad = ByteString.CopyFrom(new byte[2000]) }));

        Assert.Equal(StatusCode.ResourceExhausted, unary.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, write.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, (await Assert.ThrowsAsync<RpcException>(async () => await stream)).StatusCode);
    }

    [Fact]
    public async Task Message_over_the_server_send_limit_is_resource_exhausted()
    {
        await using var server = await GrpcTestServer.StartAsync(options => options.MaxSendMessageSize = 1024);
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { ResponsePayloadSize = 2000 }, In(10)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Server_failing_a_client_stream_early_is_reported_to_the_writer()
    {
        await using var server = await GrpcTestServer.StartAsync(options => options.MaxReceiveMessageSize = 1024);
        using var channel = server.CreateChannel();
        using var call = channel.AsyncClientStreamingCall(EchoMethods.ClientStream, In(10));

        await call.RequestStream.WriteAsync(new Number { Pad = ByteString.CopyFrom(new byte[4096]) });
        var status = (await Assert.ThrowsAsync<RpcException>(async () => await call)).StatusCode;
        var write = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new Number { Value = 2 }));

        Assert.Equal(StatusCode.ResourceExhausted, status);
        Assert.Equal(StatusCode.ResourceExhausted, write.StatusCode);
    }

    [Fact]
    public async Task Server_answering_a_client_stream_early_keeps_its_answer_when_later_writes_fail()
    {
        using var call = _channel.AsyncClientStreamingCall(EchoMethods.ClientStream, In(30));
        await call.RequestStream.WriteAsync(new Number { Value = 5, Tag = Tag() + ":answer-now" });
        await call.ResponseHeadersAsync;

        // The server has answered; the body is cut off, so some write fails. Its failure must not
        // replace the server's answer as the call's outcome (it once became CANCELLED).
        Exception? write = null;
        for (var i = 0; i < 200 && write is null; i++)
        {
            write = await Record.ExceptionAsync(() => call.RequestStream.WriteAsync(new Number { Value = 1, Pad = ByteString.CopyFrom(new byte[16_384]) }));
        }

        Assert.NotNull(write);
        Assert.Equal(5, (await call.ResponseAsync).Sum);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Unreachable_server_is_unavailable()
    {
        var port = FreePort();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest(), In(10)));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    public void Dispose() => _channel.Dispose();

    private static CallOptions In(double seconds) => new() { Deadline = DateTime.UtcNow.AddSeconds(seconds) };

    private static string Tag() => Guid.NewGuid().ToString("N");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
