using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Tests.Echo;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Client;

/// <summary>Grpc.Net.Client against our hosting of Grpc.AspNetCore, where the server's side of each outcome can be observed.</summary>
public sealed class ClientBehaviourTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private const string InternalMessage = "an unexpected error occurred on the server; it was logged";

    private readonly GrpcChannel _channel = fixture.Server.CreateChannel();

    private EchoService.EchoServiceClient Client => new(_channel);

    private EchoProbe Probe => fixture.Server.Probe;

    [Fact]
    public async Task Deadline_reaches_the_handler_as_cancellation()
    {
        var tag = Tag();

        // Long enough for the request to reach the handler on a busy machine (a call reset before
        // its handler starts proves nothing here).
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.SleepAsync(new SleepRequest { Milliseconds = 20_000, Tag = tag }, In(2)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains(await Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)), new[] { "deadline", "cancelled" });
    }

    [Fact]
    public async Task Cancellation_token_cancels_the_call_and_the_handler_and_is_logged_as_the_client_going_away()
    {
        var tag = Tag();
        using var cts = new CancellationTokenSource();
        using var call = Client.SleepAsync(new SleepRequest { Milliseconds = 20_000, Tag = tag }, In(30, cancellationToken: cts.Token));
        await Probe.WaitAsync(tag + ":started", TimeSpan.FromSeconds(10));

        await cts.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("cancelled", await Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)));
        // CallOutcomeInterceptor: one Debug line (EventId 3105) without a stack trace, not an error.
        var logged = await WaitForLogAsync(e => e.EventId.Id == 3105 && e.Message.Contains("/Sleep", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, logged.Level);
        Assert.Null(logged.Exception);
        Assert.DoesNotContain(fixture.Server.Logs.Events, e => e.Level >= LogLevel.Error && e.Message.Contains("/Sleep", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disposing_a_streaming_call_cancels_the_handler()
    {
        var tag = Tag();
        var call = Client.ServerStream(new StreamRequest { Count = 100_000, IntervalMs = 5, Tag = tag }, In(30));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        call.Dispose();

        Assert.Equal("cancelled", await Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)));
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
        var logged = await WaitForLogAsync(e => e.EventId.Id == 3105 && e.Message.Contains("/ServerStream", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, logged.Level);
        Assert.Null(logged.Exception);
    }

    [Fact]
    public async Task Deadline_already_past_fails_without_calling_the_server()
    {
        var tag = Tag();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.SleepAsync(new SleepRequest { Milliseconds = 1, Tag = tag }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(-1))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<TimeoutException>(() => Probe.WaitAsync(tag, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Server_sees_the_request_encoding()
    {
        var reply = await Client.UnaryAsync(new EchoRequest { Message = "z" }, In(10, compression: "gzip"));
        var plain = await Client.UnaryAsync(new EchoRequest { Message = "z" }, In(10));

        Assert.Equal("gzip", reply.RequestEncoding);
        Assert.Equal(string.Empty, plain.RequestEncoding);
    }

    [Fact]
    public async Task Handler_exception_reaches_the_client_as_generic_internal_and_is_logged_with_it()
    {
        // Old layer: INTERNAL "Exception was thrown by handler.", EventId 3000. Now the product's
        // CallOutcomeInterceptor answers INTERNAL with its own message and logs EventId 3106 (Error)
        // with the exception (Grpc.AspNetCore alone would answer UNKNOWN).
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.FailAsync(new FailRequest { Code = -1 }, In(10)));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal(InternalMessage, error.Status.Detail);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        var logged = await WaitForLogAsync(e => e.EventId.Id == 3106 && e.Exception is InvalidOperationException);
        Assert.Equal(LogLevel.Error, logged.Level);
    }

    [Fact]
    public async Task Message_over_the_client_send_limit_fails_locally()
    {
        var tag = Tag() + new string('x', 2000);
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 1024 });
        var client = new EchoService.EchoServiceClient(channel);

        var unary = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.SleepAsync(new SleepRequest { Tag = tag }, In(10)));
        using var stream = client.ClientStream(In(10));
        await stream.RequestStream.WriteAsync(new Number { Value = 1 });
        var write = await Assert.ThrowsAsync<RpcException>(() => stream.RequestStream.WriteAsync(new Number { Value = 100, Pad = ByteString.CopyFrom(new byte[2000]) }));
        // Old layer: the failed write ended the whole call RESOURCE_EXHAUSTED. Grpc.Net.Client fails
        // only that write (the message is never sent) and leaves the call open: what was sent
        // before and after it is summed, without the oversize message.
        await stream.RequestStream.WriteAsync(new Number { Value = 2 });
        await stream.RequestStream.CompleteAsync();
        var sum = await stream;

        Assert.Equal(StatusCode.ResourceExhausted, unary.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, write.StatusCode);
        Assert.Equal(3, sum.Sum);
        Assert.Equal(2, sum.Count);
        await Assert.ThrowsAsync<TimeoutException>(() => Probe.WaitAsync(tag + ":started", TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Message_over_the_server_send_limit_is_resource_exhausted()
    {
        await using var server = await GrpcTestServer.StartAsync(new Dictionary<string, string?> { ["Grpc:MaxSendMessageBytes"] = "1024" });
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoService.EchoServiceClient(channel).UnaryAsync(new EchoRequest { ResponsePayloadSize = 2000 }, In(10)));
        var small = await new EchoService.EchoServiceClient(channel).UnaryAsync(new EchoRequest { ResponsePayloadSize = 900 }, In(10));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(900, small.Payload.Length);
    }

    [Fact]
    public async Task Server_failing_a_client_stream_early_is_reported_to_the_writer()
    {
        await using var server = await GrpcTestServer.StartAsync(new Dictionary<string, string?> { ["Grpc:MaxReceiveMessageBytes"] = "1024" });
        using var channel = server.CreateChannel();
        using var call = new EchoService.EchoServiceClient(channel).ClientStream(In(10));

        await call.RequestStream.WriteAsync(new Number { Pad = ByteString.CopyFrom(new byte[4096]) });
        var status = (await Assert.ThrowsAsync<RpcException>(async () => await call)).StatusCode;
        var write = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new Number { Value = 2 }));

        Assert.Equal(StatusCode.ResourceExhausted, status);
        Assert.Equal(StatusCode.ResourceExhausted, write.StatusCode);
    }

    [Fact]
    public async Task Server_answering_a_client_stream_early_keeps_its_answer_when_later_writes_fail()
    {
        using var call = Client.ClientStream(In(30));
        await call.RequestStream.WriteAsync(new Number { Value = 5, Tag = Tag() + ":answer-now" });
        await call.ResponseHeadersAsync;

        // The server has answered; the body is cut off, so some write fails. Its failure must not
        // replace the server's answer as the call's outcome.
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
            await new EchoService.EchoServiceClient(channel).UnaryAsync(new EchoRequest(), In(10)));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    public void Dispose() => _channel.Dispose();

    private async Task<CapturingLoggerProvider.LogEvent> WaitForLogAsync(Func<CapturingLoggerProvider.LogEvent, bool> match)
    {
        // The server logs as the call ends, which may be a moment after the client saw the status.
        for (var i = 0; i < 100; i++)
        {
            if (fixture.Server.Logs.Events.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the expected log event did not come");
    }

    private static CallOptions In(double seconds, string? compression = null, CancellationToken cancellationToken = default) =>
        new(headers: compression is null ? null : new Metadata { { "grpc-internal-encoding-request", compression } },
            deadline: DateTime.UtcNow.AddSeconds(seconds), cancellationToken: cancellationToken);

    private static string Tag() => Guid.NewGuid().ToString("N");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
