using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Client;

public sealed class UnaryCallTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private readonly GrpcChannel _channel = fixture.Server.CreateChannel();

    private EchoService.EchoServiceClient Client => new(_channel);

    [Fact]
    public async Task Unary_call_round_trips_the_message()
    {
        using var call = Client.UnaryAsync(new EchoRequest { Message = "hello", Payload = ByteString.CopyFromUtf8("bytes") }, Timeout());

        var reply = await call;

        Assert.Equal("hello", reply.Message);
        Assert.Equal("bytes", reply.Payload.ToStringUtf8());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Metadata_reaches_the_handler_and_comes_back_in_headers_and_trailers()
    {
        var headers = new Metadata
        {
            { "authorization", "Bearer token-123" },
            { "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
            { "x-tenant", "acme" },
            { "x-blob-bin", new byte[] { 0, 1, 2, 255 } },
        };
        using var call = Client.UnaryAsync(new EchoRequest { Message = "m" }, Timeout(headers));

        var reply = await call;
        var responseHeaders = await call.ResponseHeadersAsync;

        Assert.Equal("Bearer token-123", reply.RequestHeaders["authorization"]);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", reply.RequestHeaders["traceparent"]);
        Assert.Equal("acme", responseHeaders.GetValue("x-tenant"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, responseHeaders.GetValueBytes("x-blob-bin"));
        Assert.Equal("acme", call.GetTrailers().GetValue("trailer-x-tenant"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, call.GetTrailers().GetValueBytes("trailer-x-blob-bin"));
    }

    [Fact]
    public async Task Many_concurrent_calls_share_the_channel()
    {
        var calls = Enumerable.Range(0, 200).Select(async i =>
        {
            using var call = Client.UnaryAsync(new EchoRequest { Message = $"m{i}" }, Timeout());
            return (await call).Message;
        });

        var replies = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"m{i}"), replies);
    }

    public void Dispose() => _channel.Dispose();

    private static CallOptions Timeout(Metadata? headers = null) => new(headers, DateTime.UtcNow.AddSeconds(10));
}
