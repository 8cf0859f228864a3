using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Client;

/// <summary>
/// What Grpc.Net.Client must see from any correct EchoService server. Runs against our hosting of
/// Grpc.AspNetCore and against python grpcio's server: the same expectations on both is the proof
/// that our server (limits, interceptor, listeners) answers like real gRPC, and that the client
/// code the product uses reads a foreign implementation.
/// </summary>
public abstract class EchoContractTests : IDisposable
{
    private GrpcChannel? _channel;

    public static TheoryData<int> ErrorCodes => new(Enumerable.Range(1, 16));

    public static TheoryData<string> Messages => new(
    [
        "prix négatif : −5 € — 価格は正であること",
        "100% sure\r\nsecond line\ttab",
        "%41 is not A",
        "plain ascii",
    ]);

    protected abstract Uri Address { get; }

    protected GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(Address);

    protected EchoService.EchoServiceClient Client => new(Channel);

    [Fact]
    public async Task Unary_round_trips()
    {
        var reply = await Client.UnaryAsync(new EchoRequest { Message = "hi", Payload = ByteString.CopyFrom(1, 2, 255) }, In(10));

        Assert.Equal("hi", reply.Message);
        Assert.Equal(new byte[] { 1, 2, 255 }, reply.Payload.ToByteArray());
    }

    [Fact]
    public async Task Metadata_goes_both_ways_including_binary()
    {
        var headers = new Metadata
        {
            { "authorization", "Bearer t" },
            { "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
            { "x-tenant", "acme" },
            { "x-blob-bin", new byte[] { 0, 1, 254, 255 } },
        };
        using var call = Client.UnaryAsync(new EchoRequest { Message = "m" }, In(10, headers));

        var reply = await call;
        var initial = await call.ResponseHeadersAsync;

        Assert.Equal("Bearer t", reply.RequestHeaders["authorization"]);
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", reply.RequestHeaders["traceparent"]);
        Assert.Equal("acme", initial.GetValue("x-tenant"));
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, initial.GetValueBytes("x-blob-bin"));
        Assert.Equal("acme", call.GetTrailers().GetValue("trailer-x-tenant"));
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, call.GetTrailers().GetValueBytes("trailer-x-blob-bin"));
    }

    [Fact]
    public async Task Client_stream_is_summed()
    {
        using var call = Client.ClientStream(In(10));
        for (var i = 1; i <= 100; i++)
        {
            await call.RequestStream.WriteAsync(new Number { Value = i, Pad = ByteString.CopyFrom(new byte[10]) });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;

        Assert.Equal(5050, reply.Sum);
        Assert.Equal(100, reply.Count);
        Assert.Equal(1000, reply.PadBytes);
    }

    [Fact]
    public async Task Server_stream_arrives_in_order()
    {
        using var call = Client.ServerStream(new StreamRequest { Count = 300, PayloadSize = 1000 }, In(10));

        var replies = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(Enumerable.Range(0, 300), replies.Select(r => r.Index));
        Assert.All(replies, r => Assert.Equal(1000, r.Payload.Length));
    }

    [Fact]
    public async Task Empty_server_stream_ends_ok()
    {
        using var call = Client.ServerStream(new StreamRequest { Count = 0 }, In(10));

        Assert.Empty(await call.ResponseStream.ReadAllAsync().ToListAsync());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Server_stream_error_comes_after_the_replies_sent_before_it()
    {
        using var call = Client.ServerStream(new StreamRequest { Count = 10, FailAfter = 3 }, In(10));
        var indexes = new List<int>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                indexes.Add(reply.Index);
            }
        });

        Assert.Equal([0, 1, 2], indexes);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("Failed after 3 replies", error.Status.Detail);
    }

    [Fact]
    public async Task Duplex_answers_each_request_as_it_goes()
    {
        using var call = Client.Duplex(In(10));
        for (var i = 0; i < 10; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = $"m{i}" });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal($"m{i}", call.ResponseStream.Current.Message);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(ErrorCodes))]
    public async Task Every_status_code_arrives_with_its_message(int code)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.FailAsync(new FailRequest { Code = code, Message = $"failing with {code}" }, In(10)));

        Assert.Equal((StatusCode)code, error.StatusCode);
        Assert.Equal($"failing with {code}", error.Status.Detail);
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Status_messages_survive_percent_encoding(string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.FailAsync(new FailRequest { Code = 3, Message = message }, In(10)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    [Fact]
    public async Task Rich_error_details_arrive_as_google_rpc_status()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.FailAsync(new FailRequest { Code = 9, Message = "lane closed", WithDetails = true }, In(10)));

        // Grpc.StatusProto reads google.rpc.Status from grpc-status-details-bin.
        var rich = error.GetRpcStatus();
        Assert.NotNull(rich);
        Assert.Equal(9, rich.Code);
        Assert.Equal("lane closed", rich.Message);
        Assert.Equal("detail: lane closed", rich.Details.Single().Unpack<StringValue>().Value);
    }

    [Fact]
    public async Task Unknown_method_is_unimplemented()
    {
        var marshaller = Marshallers.Create(static (EchoRequest m) => m.ToByteArray(), EchoRequest.Parser.ParseFrom);
        var replies = Marshallers.Create(static (EchoReply m) => m.ToByteArray(), EchoReply.Parser.ParseFrom);
        var missing = new Method<EchoRequest, EchoReply>(MethodType.Unary, EchoService.Descriptor.FullName, "NoSuchMethod", marshaller, replies);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Channel.CreateCallInvoker().AsyncUnaryCall(missing, null, In(10), new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Deadline_ends_a_slow_call_with_deadline_exceeded()
    {
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.SleepAsync(new SleepRequest { Milliseconds = 20_000, Tag = NewTag() }, In(0.3)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task Deadline_ends_a_server_stream_midway()
    {
        using var call = Client.ServerStream(new StreamRequest { Count = 100_000, IntervalMs = 10 }, In(2));
        var received = 0;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var unused in call.ResponseStream.ReadAllAsync())
            {
                received++;
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.InRange(received, 1, 99_999);
    }

    [Fact]
    public async Task Cancelling_a_server_stream_midway_is_cancelled()
    {
        using var cts = new CancellationTokenSource();
        using var call = Client.ServerStream(new StreamRequest { Count = 100_000, IntervalMs = 5, Tag = NewTag() },
            In(30, cancellationToken: cts.Token));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        }

        await cts.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task Compressed_requests_are_understood(string encoding)
    {
        var payload = ByteString.CopyFrom(Enumerable.Repeat((byte)'f', 200_000).ToArray());

        var reply = await Client.UnaryAsync(new EchoRequest { Message = "c", Payload = payload }, In(10, Compressed(encoding)));
        using var call = Client.ClientStream(In(10, Compressed(encoding)));
        for (var i = 0; i < 50; i++)
        {
            await call.RequestStream.WriteAsync(new Number { Value = i, Pad = ByteString.CopyFrom(new byte[1000]) });
        }

        await call.RequestStream.CompleteAsync();

        Assert.Equal(payload, reply.Payload);
        Assert.Equal(50_000, (await call).PadBytes);
    }

    [Fact]
    public async Task Compressed_responses_are_understood()
    {
        var reply = await Client.UnaryAsync(new EchoRequest { CompressResponse = true, ResponsePayloadSize = 300_000 }, In(10));
        using var stream = Client.ServerStream(
            new StreamRequest { Count = 20, PayloadSize = 10_000, CompressResponse = true }, In(10, Compressed("gzip")));

        var replies = await stream.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(300_000, reply.Payload.Length);
        Assert.Equal(20, replies.Count);
    }

    [Fact]
    public async Task Request_over_the_server_limit_is_resource_exhausted()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) }, In(10)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Response_over_the_client_limit_is_resource_exhausted()
    {
        // A 3 MiB reply: over a client limited to 2 MiB, within the 4 MiB defaults of Grpc.Net.Client
        // and of the servers (the old test sent 5 MiB, which our old server had no send limit for; the
        // product's MaxSendMessageBytes is 4 MiB: OurServerContractTests).
        using var strict = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { MaxReceiveMessageSize = 2 * 1024 * 1024 });
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoService.EchoServiceClient(strict).UnaryAsync(new EchoRequest { ResponsePayloadSize = 3 * 1024 * 1024 }, In(10)));
        var reply = await Client.UnaryAsync(new EchoRequest { ResponsePayloadSize = 3 * 1024 * 1024 }, In(10));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(3 * 1024 * 1024, reply.Payload.Length);
    }

    public void Dispose()
    {
        _channel?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static CallOptions In(double seconds, Metadata? headers = null, CancellationToken cancellationToken = default) =>
        new(headers, DateTime.UtcNow.AddSeconds(seconds), cancellationToken);

    /// <summary>Grpc.Net.Client compresses a call's messages with the algorithm this metadata entry names (it is not sent).</summary>
    protected static Metadata Compressed(string encoding) => new() { { "grpc-internal-encoding-request", encoding } };

    protected static string NewTag() => Guid.NewGuid().ToString("N");
}
