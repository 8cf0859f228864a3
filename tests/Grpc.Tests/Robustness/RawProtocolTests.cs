using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Robustness;

/// <summary>
/// Hand-made HTTP/2 requests to our hosting of Grpc.AspNetCore: each malformed input must end with
/// a clear gRPC status (or HTTP status for non-gRPC requests), never a crash, a hang or a poisoned
/// connection. Where Grpc.AspNetCore answers differently from the old layer, the test says how
/// (old -> new) and why.
/// </summary>
public sealed class RawProtocolTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private const string Unary = "/priceingest.test.EchoService/Unary";
    private const string ClientStream = "/priceingest.test.EchoService/ClientStream";
    private const string ServerStream = "/priceingest.test.EchoService/ServerStream";
    private const string Sleep = "/priceingest.test.EchoService/Sleep";

    // Grpc.AspNetCore's answer to an exception it meets outside any handler (while reading or
    // decompressing or parsing a unary or server-streaming request: before CallOutcomeInterceptor runs).
    private const string HandlerExceptionMessage = "Exception was thrown by handler.";

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

        // Old: "... larger than max ..."; Grpc.AspNetCore words it as below (same status, 8).
        Assert.Equal("8", raw.GrpcStatus);
        Assert.Equal("Received message exceeds the maximum configured message size.", raw.GrpcMessage);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task Compressed_flag_without_grpc_encoding_is_internal()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest { Message = "x" }, flag: 1));

        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains("grpc-encoding", response.GrpcMessage, StringComparison.Ordinal);
    }

    // Old layer: INTERNAL for each of these four. Grpc.AspNetCore reads, decompresses and parses a
    // unary request before any handler or interceptor runs, and treats the exception it meets there
    // (InvalidDataException, InvalidProtocolBufferException) as a handler's: UNKNOWN "Exception was
    // thrown by handler.", logged at Error (its EventId 6). gRPC's status code table says INTERNAL
    // for "error parsing request proto" and "could not decompress"; see the streaming variants below.
    [Fact]
    public async Task Invalid_compressed_flag_is_unknown()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame(new EchoRequest { Message = "x" }, flag: 7));

        AssertUnknownFromOutsideTheHandler(response);
    }

    [Fact]
    public async Task Garbage_body_is_unknown()
    {
        var response = await _raw.PostAsync(Unary, "this is not a gRPC body at all"u8.ToArray());

        AssertUnknownFromOutsideTheHandler(response);
    }

    [Fact]
    public async Task Well_framed_garbage_payload_is_unknown_and_logged_as_a_server_error()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));

        AssertUnknownFromOutsideTheHandler(response);
        Assert.Contains(fixture.Server.Logs.Events, e => e.EventId.Id == 6 && e.Level == LogLevel.Error && e.Exception is InvalidProtocolBufferException);
    }

    [Fact]
    public async Task Corrupt_gzip_payload_is_unknown()
    {
        var response = await _raw.PostAsync(Unary, RawGrpcClient.Frame([1, 2, 3, 4, 5, 6, 7, 8], flag: 1), "application/grpc", ("grpc-encoding", "gzip"));

        AssertUnknownFromOutsideTheHandler(response);
    }

    [Fact]
    public async Task Garbage_payload_in_a_client_stream_is_internal_naming_the_reason_and_logged_as_the_clients_fault()
    {
        // In a client stream the handler reads the messages, so CallOutcomeInterceptor sees the
        // parse failure: INTERNAL saying the message could not be read, logged as EventId 3107
        // (one line, no exception), not as an unexpected failure (3106).
        var response = await _raw.PostAsync(ClientStream, RawGrpcClient.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));

        Assert.Equal("13", response.GrpcStatus);
        Assert.StartsWith("a request message could not be read", response.GrpcMessage, StringComparison.Ordinal);
        Assert.Contains(fixture.Server.Logs.Events, e => e.EventId.Id == 3107 && e.Exception is null);
        Assert.DoesNotContain(fixture.Server.Logs.Events, e => e.EventId.Id == 3106);
    }

    [Fact]
    public async Task Corrupt_gzip_in_a_client_stream_is_internal_naming_the_reason()
    {
        var response = await _raw.PostAsync(ClientStream, RawGrpcClient.Frame([1, 2, 3, 4, 5, 6, 7, 8], flag: 1), "application/grpc", ("grpc-encoding", "gzip"));

        Assert.Equal("13", response.GrpcStatus);
        Assert.StartsWith("a request message could not be read", response.GrpcMessage, StringComparison.Ordinal);
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
    public async Task Unknown_method_is_unimplemented_trailers_only(string path)
    {
        var response = await _raw.PostAsync(path, RawGrpcClient.Frame(new EchoRequest()));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("12", response.GrpcStatus);
        Assert.True(response.IsTrailersOnly, response.ToString());
    }

    [Fact]
    public async Task Wrong_case_path_reaches_the_method_because_aspnet_routing_ignores_case()
    {
        // Old layer: UNIMPLEMENTED (gRPC paths are case-sensitive, PROTOCOL-HTTP2.md). Grpc.AspNetCore
        // maps methods as ASP.NET Core endpoints, whose route matching is case-insensitive.
        var response = await _raw.PostAsync("/priceingest.test.echoservice/unary", RawGrpcClient.Frame(new EchoRequest { Message = "case" }));

        Assert.Equal("0", response.GrpcStatus);
        Assert.Equal("case", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5).ToArray()).Message);
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
    public async Task Malformed_grpc_timeout_is_ignored_and_the_call_runs_without_a_deadline(string timeout)
    {
        // Old layer: INTERNAL. Grpc.AspNetCore ignores a grpc-timeout it cannot parse, as Grpc.Core
        // and the C core do (grpc-dotnet #88): the call runs as if it had no deadline.
        var tag = Guid.NewGuid().ToString("N");

        var response = await _raw.PostAsync(Sleep, RawGrpcClient.Frame(new SleepRequest { Milliseconds = 10, Tag = tag }), "application/grpc", ("grpc-timeout", timeout));

        Assert.Equal("0", response.GrpcStatus);
        Assert.Equal("completed", await fixture.Server.Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)));
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
    public async Task Client_that_stops_reading_a_server_stream_pins_the_handler_only_until_its_deadline()
    {
        // Old layer: a write timeout (2 s in the old test server) cancelled the handler and reset the
        // stream (EventId 3004). Grpc.AspNetCore has no write timeout, and Kestrel's minimum response
        // data rate does not end a stream stalled by HTTP/2 flow control: the call's deadline is what
        // releases the handler (a client without a deadline holds it until it resets or disconnects).
        var tag = Guid.NewGuid().ToString("N");
        using var request = _raw.Request(ServerStream, new ByteArrayContent(RawGrpcClient.Frame(new StreamRequest { Count = 100_000, PayloadSize = 10_000, Tag = tag })),
            "application/grpc", ("grpc-timeout", "2S"));
        using var response = await _raw.SendAsync(request, CancellationToken.None);

        // Never read the body: flow control stalls the server's writes.
        var outcome = await fixture.Server.Probe.WaitAsync(tag, TimeSpan.FromSeconds(15));

        Assert.Equal("deadline", outcome);
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

    private static void AssertUnknownFromOutsideTheHandler(RawResponse response)
    {
        Assert.Equal("2", response.GrpcStatus);
        Assert.Equal(HandlerExceptionMessage, response.GrpcMessage);
    }

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
