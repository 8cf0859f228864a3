using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Client;

public sealed class StreamingCallTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private readonly GrpcChannel _channel = fixture.Server.CreateChannel();

    private EchoService.EchoServiceClient Client => new(_channel);

    [Fact]
    public async Task Client_stream_is_summed_by_the_server()
    {
        using var call = Client.ClientStream(Timeout());
        for (var i = 1; i <= 1000; i++)
        {
            await call.RequestStream.WriteAsync(new Number { Value = i });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;

        Assert.Equal(500_500, reply.Sum);
        Assert.Equal(1000, reply.Count);
    }

    [Fact]
    public async Task Client_stream_messages_reach_the_handler_before_the_stream_ends()
    {
        var tag = Guid.NewGuid().ToString("N");
        using var call = Client.ClientStream(Timeout());
        await call.RequestStream.WriteAsync(new Number { Value = 1, Tag = tag });

        // The handler sees the first message while the request body is still open.
        Assert.Equal("received", await fixture.Server.Probe.WaitAsync(tag + ":first", TimeSpan.FromSeconds(5)));

        await call.RequestStream.CompleteAsync();
        Assert.Equal(1, (await call).Count);
    }

    [Fact]
    public async Task Empty_client_stream_is_answered()
    {
        using var call = Client.ClientStream(Timeout());
        await call.RequestStream.CompleteAsync();

        Assert.Equal(0, (await call).Count);
    }

    [Fact]
    public async Task Server_stream_delivers_every_reply_in_order()
    {
        using var call = Client.ServerStream(new StreamRequest { Count = 500, PayloadSize = 100 }, Timeout());

        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal(Enumerable.Range(0, 500), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Server_stream_with_no_replies_ends_ok()
    {
        using var call = Client.ServerStream(new StreamRequest { Count = 0 }, Timeout());

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Server_stream_error_after_replies_arrives_after_them()
    {
        using var call = Client.ServerStream(new StreamRequest { Count = 10, FailAfter = 3 }, Timeout());

        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var unused in call.ResponseStream.ReadAllAsync())
            {
                received++;
            }
        });

        Assert.Equal(3, received);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("Failed after 3 replies", error.Status.Detail);
    }

    [Fact]
    public async Task Duplex_echoes_each_message_as_it_arrives()
    {
        using var call = Client.Duplex(Timeout());
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = $"m{i}", Payload = ByteString.CopyFrom(new byte[10]) });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal($"m{i}", call.ResponseStream.Current.Message);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    public void Dispose() => _channel.Dispose();

    private static CallOptions Timeout(Metadata? headers = null) => new(headers, DateTime.UtcNow.AddSeconds(10));
}
