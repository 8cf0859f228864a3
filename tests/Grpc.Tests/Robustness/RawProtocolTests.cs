using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using PriceIngest.Grpc.Tests.Echo;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Robustness;

/// <summary>
/// Hand-made HTTP/2 requests: each malformed input must end with a clear gRPC status (or HTTP
/// status for non-gRPC requests), never a crash, a hang or a poisoned connection.
/// </summary>
public sealed class RawProtocolTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private const string Unary = "/priceingest.test.EchoService/Unary";
    private const string ClientStream = "/priceingest.test.EchoService/ClientStream";
    private const string ServerStream = "/priceingest.test.EchoService/ServerStream";
    private const string Sleep = "/priceingest.test.EchoService/Sleep";

    private readonly RawGrpcClient _raw = new(fixture.Server.Address);

    [Fact]
    public async Task Well_formed_request_gets_headers_message_and_ok_trailers()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest { Message = "raw" }));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("application/grpc", response.Headers["content-type"]);
        Assert.Equal("0", response.Trailers["grpc-status"]);
        Assert.Equal(0, response.Body[0]);
        Assert.Equal("raw", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5).ToArray()).Message);
    }

    [Fact]
    public async Task Truncated_frame_at_end_of_stream_is_internal()
    {
        var body = RawGrpcClient.Frame(new byte[10], declaredLength: 100);

        var response = await _raw.PostAsync(ClientStream, body);

        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains("Incomplete message", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_header_at_end_of_stream_is_internal()
    {
        var response = await _raw.PostAsync(ClientStream, [0, 0, 0]);

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task Length_prefix_over_the_limit_fails_at_once_without_waiting_for_the_payload()
    {
        // Only the 5-byte header is sent and the body stays open: the server must answer from the
        // prefix alone, not wait for (or allocate) 2 GB.
        var content = new OpenEndedContent(RawGrpcClient.Frame([], declaredLength: int.MaxValue));
        using var request = _raw.Request(ClientStream, content);
        var watch = Stopwatch.StartNew();

        using var response = await _raw.SendAsync(request, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var raw = RawResponse.From(response, await response.Content.ReadAsByteArrayAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        content.Release();

        Assert.Equal("8", raw.GrpcStatus);
        Assert.Contains("larger than max", raw.GrpcMessage, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task Compressed_flag_without_grpc_encoding_is_internal()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest { Message = "x" }, flag: 1));

        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains("grpc-encoding", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_compressed_flag_is_internal()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest { Message = "x" }, flag: 7));

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task Garbage_body_is_internal()
    {
        var response = await _raw.PostAsync(Unary, "this is not a gRPC body at all"u8.ToArray());

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task Well_framed_garbage_payload_is_internal()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));

        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains("deserialized", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupt_gzip_payload_is_internal()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame([1, 2, 3, 4, 5, 6, 7, 8], flag: 1), "application/grpc", ("grpc-encoding", "gzip"));

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task Gzip_bomb_over_the_limit_once_decompressed_is_resource_exhausted()
    {
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[6 * 1024 * 1024]) };
        var compressed = Gzip(request.ToByteArray());
        Assert.True(compressed.Length < 64 * 1024);

        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(compressed, flag: 1), "application/grpc", ("grpc-encoding", "gzip"));

        Assert.Equal("8", response.GrpcStatus);
    }

    [Fact]
    public async Task Wrong_content_type_is_http_415()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest()), "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
    }

    [Fact]
    public async Task Missing_content_type_is_http_415()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest()), contentType: null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
    }

    [Fact]
    public async Task Grpc_proto_content_type_is_accepted()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest { Message = "p" }), "application/grpc+proto");

        Assert.Equal("0", response.GrpcStatus);
    }

    [Theory]
    [InlineData("/priceingest.test.EchoService/NoSuchMethod")]
    [InlineData("/priceingest.test.NoSuchService/Unary")]
    [InlineData("/priceingest.test.echoservice/unary")]
    public async Task Unknown_method_is_unimplemented_trailers_only(string path)
    {
        var response = await _raw.PostAsync(path, RawGrpcClient.Frame(new EchoRequest()));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("12", response.GrpcStatus);
        Assert.True(response.IsTrailersOnly, response.ToString());
    }

    [Fact]
    public async Task Unknown_path_without_grpc_content_type_is_left_to_http()
    {
        var response = await _raw.PostAsync("/priceingest.test.NoSuchService/Unary", [1, 2, 3], "text/plain");

        Assert.Equal(HttpStatusCode.NotFound, response.HttpStatus);
    }

    [Fact]
    public async Task Unsupported_encoding_is_unimplemented_and_lists_what_is_accepted()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest(), flag: 1), "application/grpc", ("grpc-encoding", "snappy"));

        Assert.Equal("12", response.GrpcStatus);
        Assert.True(response.IsTrailersOnly, response.ToString());
        Assert.Equal("identity,gzip,deflate", response.Headers["grpc-accept-encoding"]);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1x")]
    [InlineData("123456789S")]
    [InlineData("S")]
    public async Task Malformed_grpc_timeout_is_internal(string timeout)
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest()), "application/grpc", ("grpc-timeout", timeout));

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task Unary_with_two_messages_is_internal()
    {
        var body = RawGrpcClient.Frame(new EchoRequest()).Concat(RawGrpcClient.Frame(new EchoRequest())).ToArray();

        var response = await _raw.PostAsync(Unary, body);

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task Unary_with_no_message_is_internal()
    {
        var response = await _raw.PostAsync(Unary, []);

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task Server_enforces_grpc_timeout_on_its_own()
    {
        // A client that never cancels: the server's deadline alone must end the call and the handler.
        var tag = Guid.NewGuid().ToString("N");
        var watch = Stopwatch.StartNew();

        var response = await _raw.PostAsync(Sleep, RawGrpcClient.Frame(new SleepRequest { Milliseconds = 20_000, Tag = tag }), "application/grpc", ("grpc-timeout", "200m"));

        Assert.Equal("4", response.GrpcStatus);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), watch.Elapsed.ToString());
        Assert.Equal("deadline", await fixture.Server.Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Response_is_gzip_compressed_only_when_the_client_accepts_it()
    {
        var request = RawGrpcClient.Frame(new EchoRequest { CompressResponse = true, ResponsePayloadSize = 100_000 });

        var accepted = await _raw.PostAsync(Unary, request, "application/grpc", ("grpc-accept-encoding", "identity,gzip"));
        var refused = await _raw.PostAsync(Unary, request);

        Assert.Equal("gzip", accepted.Headers["grpc-encoding"]);
        Assert.Equal(1, accepted.Body[0]);
        Assert.True(accepted.Body.Length < 10_000, accepted.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var reply = EchoReply.Parser.ParseFrom(Gunzip(accepted.Body.AsSpan(5).ToArray()));
        Assert.Equal(100_000, reply.Payload.Length);
        Assert.False(refused.Headers.ContainsKey("grpc-encoding"));
        Assert.Equal(0, refused.Body[0]);
    }

    [Fact]
    public async Task Client_that_stops_reading_a_server_stream_does_not_pin_the_handler()
    {
        var tag = Guid.NewGuid().ToString("N");
        using var request = _raw.Request(ServerStream, new ByteArrayContent(RawGrpcClient.Frame(new StreamRequest { Count = 100_000, PayloadSize = 10_000, Tag = tag })));
        using var response = await _raw.SendAsync(request, CancellationToken.None);

        // Never read the body: flow control stalls the server's writes; its write timeout (2 s in
        // the test server) must cancel the handler and reset the stream.
        var outcome = await fixture.Server.Probe.WaitAsync(tag, TimeSpan.FromSeconds(15));

        Assert.Equal("cancelled", outcome);
        Assert.Contains(fixture.Server.Logs.Events, e => e.EventId.Id == 3004);
        var after = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest { Message = "still alive" }));
        Assert.Equal("0", after.GrpcStatus);
    }

    [Fact]
    public async Task Client_reset_mid_upload_cancels_the_handler_and_the_connection_lives_on()
    {
        var tag = Guid.NewGuid().ToString("N");
        var content = new OpenEndedContent(RawGrpcClient.Frame(new SleepRequest { Milliseconds = 20_000, Tag = tag }));
        using var cts = new CancellationTokenSource();
        using var request = _raw.Request(Sleep, content);
        var send = _raw.SendAsync(request, cts.Token);
        await Task.Delay(300);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);

        // Unary reads the whole request first, so the handler never started; a second call proves the
        // connection survived the reset.
        var after = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest { Message = "ok" }));
        Assert.Equal("0", after.GrpcStatus);
    }

    public void Dispose() => _raw.Dispose();

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
