using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Contracts.V1;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>
/// Broken HTTP/2 request bodies sent to the real UploadBatch (a truncated frame, a length prefix
/// over the limit, bytes that are no gRPC framing at all, a client resetting the stream midway):
/// each is answered with a gRPC status, nothing is written, and the silo goes on serving.
/// </summary>
[Collection("postgres")]
public sealed class GrpcWireRobustnessTests(PostgresFixture postgres) : IAsyncLifetime, IDisposable
{
    /// <summary>
    /// The reset must be what ends an upload held open midway, not the stall guard: its default 15 s
    /// is shorter than a loaded machine may take to see the upload Receiving.
    /// </summary>
    private const string HeldOpen = "--Limits:UploadStallTimeout=00:02:00";

    private HttpClient? _http;
    private SiloInstance _silo = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Grpc:MaxReceiveMessageBytes=65536", HeldOpen);
        await TestData.LoadReferenceAsync(_silo.Http);
        _channel = GrpcChannel.ForAddress(_silo.GrpcAddress);
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
    }

    public void Dispose() => _http?.Dispose();

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Truncated_frame_at_the_end_of_the_body_is_a_grpc_error_and_writes_nothing()
    {
        var items = Frame(Items(Item("CNSGH", "NLRTM", "2016-01-01", 10)).ToByteArray());
        var status = await PostAsync([.. Frame(Header("w-truncated").ToByteArray()), .. items.AsSpan(0, items.Length - 3)]);

        Assert.NotEqual(StatusCode.OK, status);
        await AssertNothingWrittenAndStillServingAsync("w-truncated");
    }

    [Fact]
    public async Task Length_prefix_over_the_receive_limit_is_resource_exhausted_and_writes_nothing()
    {
        var prefix = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), 10_000_000);
        var status = await PostAsync([.. Frame(Header("w-oversize").ToByteArray()), .. prefix, .. new byte[100]]);

        Assert.Equal(StatusCode.ResourceExhausted, status);
        await AssertNothingWrittenAndStillServingAsync("w-oversize");
    }

    [Fact]
    public async Task Garbage_instead_of_grpc_framing_is_a_grpc_error_and_writes_nothing()
    {
        var status = await PostAsync("this is not a gRPC length-prefixed message at all"u8.ToArray());

        Assert.NotEqual(StatusCode.OK, status);
        await AssertNothingWrittenAndStillServingAsync(batchId: null);
    }

    [Fact]
    public async Task Client_resetting_the_stream_midway_aborts_the_upload_and_writes_nothing()
    {
        await ResetMidwayAsync(_channel, "w-reset");

        await WaitForStatusAsync(_channel, "w-reset", BatchStatus.Aborted);
        await AssertNothingWrittenAndStillServingAsync("w-reset");
    }

    [Fact]
    public async Task Client_resetting_an_upload_is_logged_as_the_client_going_away_without_a_stack_trace()
    {
        // The silo as shipped (its own process, default logging), over its own database.
        var connectionString = await postgres.CreateDatabaseAsync();
        var grpcPort = SiloProcess.FreeLoopbackPort();
        await using var silo = SiloProcess.Start(SiloProcess.FreeLoopbackPort(), AppContext.BaseDirectory, null,
            "--connection-string", connectionString, "--grpc-port", grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-seed", HeldOpen);
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        await TestData.LoadReferenceAsync(silo.Http);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");

        await ResetMidwayAsync(channel, "w-reset-logged");
        await silo.WaitForOutputAsync("gRPC upload of batch w-reset-logged ended by the client", TimeSpan.FromSeconds(30));

        Assert.DoesNotContain("   at ", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", silo.Output, StringComparison.Ordinal);
        Assert.Equal(0, await Sql.PriceCountAsync(connectionString));
    }

    /// <summary>
    /// Starts an upload as a real client does, waits until the silo is receiving it, then cancels the
    /// call, which resets its HTTP/2 stream (RST_STREAM). Grpc.Net.Client flushes every message it
    /// writes, so the silo sees the batch start however loaded the machine is.
    /// </summary>
    private static async Task ResetMidwayAsync(GrpcChannel channel, string batchId)
    {
        using var cancel = new CancellationTokenSource();
        using var call = new IngestService.IngestServiceClient(channel).UploadBatch(cancellationToken: cancel.Token);
        await call.RequestStream.WriteAsync(Header(batchId));
        await call.RequestStream.WriteAsync(Items([.. Enumerable.Range(0, 100).Select(i => Item("CNSGH", "NLRTM", "2016-01-01", i + 1))]));

        // The call must still be open when it is reset: if it ended first (a refusal, the stall
        // guard), say how, rather than waiting for a status it can no longer reach.
        var receiving = WaitForStatusAsync(channel, batchId, BatchStatus.Receiving);
        if (await Task.WhenAny(receiving, call.ResponseAsync) == call.ResponseAsync)
        {
            var ended = await Record.ExceptionAsync(() => call.ResponseAsync);
            Assert.Fail($"the upload of {batchId} ended before it was reset: {(ended as RpcException)?.Status.ToString() ?? "a receipt"}");
        }

        await receiving;
        await cancel.CancelAsync();
        var reset = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, reset.StatusCode);
    }

    /// <summary>Sends <paramref name="body"/> as the whole request; returns the gRPC status the server answered with.</summary>
    private async Task<StatusCode> PostAsync(byte[] body)
    {
        using var request = RawUploadRequest(_silo.GrpcAddress, new ByteArrayContent(body));
        using var response = await _http!.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.Single()
            : response.Headers.GetValues("grpc-status").Single();
        return (StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task AssertNothingWrittenAndStillServingAsync(string? batchId)
    {
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
        if (batchId is not null)
        {
            Assert.NotEqual(BatchStatus.Committed, (await TryGetBatchAsync(_channel, batchId))?.Status ?? BatchStatus.Unspecified);
        }

        var receipt = await UploadAsync(_channel, batchId ?? "w-after-garbage", [[Item("CNSGH", "NLRTM", "2016-01-01", 7)]]);
        Assert.Equal(BatchStatus.Committed, receipt.Status);
        Assert.Equal(1, await Sql.PriceCountAsync(_silo.ConnectionString));
    }
}
