using System.Runtime.CompilerServices;
using PriceIngest.Client.Sources;
using PriceIngest.Client.Tests.Fakes;
using PriceIngest.Contracts.V1;
using Grpc.Core;

namespace PriceIngest.Client.Tests;

public sealed class ClientTests : IAsyncLifetime
{
    private FakeServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Upload_streams_a_header_then_chunks_of_the_configured_size_and_reports_progress()
    {
        using var client = Client(o => o.ChunkItems = 8192);
        var reports = new List<UploadProgress>();
        var receipt = await client.UploadAsync("chunks-1", ct => Items(20_000, ct), new SyncProgress(reports.Add));

        Assert.Equal(BatchStatus.Committed, receipt.Status);
        Assert.Equal(20_000, receipt.Items);
        var attempt = Assert.Single(_server.Service.Uploads);
        Assert.Equal("chunks-1", attempt.BatchId);
        Assert.Equal([8192, 8192, 3616], attempt.ChunkSizes);
        Assert.Equal(new long[] { 0, 8192, 16384, 20000, 20000 }, reports.Select(r => r.Items));
        Assert.True(reports[^1].Completed);
        Assert.Equal(4, reports[^1].Messages);
        Assert.All(reports, r => Assert.Equal(1, r.Attempt));
    }

    [Fact]
    public async Task Upload_of_a_file_reports_bytes_read_against_the_file_size()
    {
        var path = TempFile(".csv", "origin,destination,day,price\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"CNSGH,NLRTM,2016-01-01,{i + 1}\n")));
        using var client = Client(o => o.ChunkItems = 1000);
        var reports = new List<UploadProgress>();
        var receipt = await client.UploadFileAsync("file-1", path, progress: new SyncProgress(reports.Add));

        Assert.Equal(5000, receipt.Items);
        Assert.Equal(new FileInfo(path).Length, reports[^1].TotalBytes);
        Assert.Equal(reports[^1].TotalBytes, reports[^1].BytesRead);
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.Equal(Enumerable.Repeat(1000, 5), Assert.Single(_server.Service.Uploads).ChunkSizes);
    }

    [Fact]
    public async Task Unavailable_mid_stream_is_retried_from_the_start_with_the_same_batch_id()
    {
        _server.Service.FailFirstUploads = 2;
        _server.Service.FailAfterMessages = 3; // header + 2 chunks, then UNAVAILABLE
        var retries = new List<RetryNotice>();
        using var client = Client(o =>
        {
            o.ChunkItems = 100;
            o.OnRetry = retries.Add;
        });
        var reports = new List<UploadProgress>();

        var receipt = await client.UploadAsync("retried-1", ct => Items(1000, ct), new SyncProgress(reports.Add));

        Assert.Equal(BatchStatus.Committed, receipt.Status);
        Assert.Equal(1000, receipt.Items);
        var attempts = _server.Service.Uploads.ToArray();
        Assert.Equal(3, attempts.Length);
        Assert.All(attempts, a => Assert.Equal("retried-1", a.BatchId));
        Assert.False(attempts[0].Completed);
        Assert.False(attempts[1].Completed);
        Assert.True(attempts[2].Completed);
        Assert.Equal(1000, attempts[2].Items); // the whole source again, not the rest of it
        Assert.Equal([2, 3], retries.Select(r => r.NextAttempt));
        Assert.All(retries, r => Assert.Equal(StatusCode.Unavailable, Assert.IsType<RpcException>(r.Failure).StatusCode));
        Assert.Equal(3, reports[^1].Attempt);
    }

    [Fact]
    public async Task Retries_are_bounded()
    {
        _server.Service.FailFirstUploads = int.MaxValue;
        using var client = Client(o => o.MaxAttempts = 3);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.UploadAsync("down-1", ct => Items(10, ct)));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal(3, _server.Service.UploadAttempts);
    }

    [Fact]
    public async Task Invalid_argument_is_not_retried()
    {
        using var client = Client();

        var e = await Assert.ThrowsAsync<RpcException>(() => client.UploadAsync("invalid", ct => Items(10, ct)));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(1, _server.Service.UploadAttempts);
    }

    [Fact]
    public async Task A_rejected_batch_is_a_receipt_with_item_errors_not_an_exception()
    {
        using var client = Client();
        var receipt = await client.SubmitAsync("rejected-1", [Item("CNSGH", 1), Item("XXXXX", 2), Item("XXXXX", 3)]);

        Assert.Equal(BatchStatus.Rejected, receipt.Status);
        Assert.Equal(2, receipt.InvalidItems);
        Assert.Equal([1L, 2L], receipt.Errors.Select(e => e.Index));
    }

    [Fact]
    public async Task A_stream_that_cannot_restart_is_not_retried_once_read()
    {
        _server.Service.FailFirstUploads = 1;
        _server.Service.FailAfterMessages = 2;
        using var client = Client(o => o.ChunkItems = 10);
        using var stdin = new MemoryStream("origin,destination,day,price\n"u8.ToArray().Concat(Enumerable.Range(0, 50).SelectMany(_ => "CNSGH,NLRTM,2016-01-01,5\n"u8.ToArray())).ToArray());
        var source = PriceSource.FromStream(new NonSeekable(stdin), PriceFileFormat.Csv);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.UploadAsync("stdin-1", source));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal(1, _server.Service.UploadAttempts);
    }

    [Fact]
    public async Task Connection_refused_is_retried_and_ends_unavailable()
    {
        var retries = new List<RetryNotice>();
        using var client = new PriceIngestClient(FakeServer.RefusingAddress(), Fast(o =>
        {
            o.MaxAttempts = 3;
            o.OnRetry = retries.Add;
        }));
        using var stdin = new MemoryStream("origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,5\n"u8.ToArray());

        // Even a stream that cannot restart is retried: nothing was read from it yet.
        var e = await Assert.ThrowsAsync<RpcException>(() => client.UploadAsync("refused-1", PriceSource.FromStream(new NonSeekable(stdin), PriceFileFormat.Csv)));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal(2, retries.Count);
    }

    [Fact]
    public async Task Unary_calls_retry_unavailable_and_carry_authorization_and_gzip()
    {
        _server.Service.FailFirstUnary = 2;
        using var client = Client(o =>
        {
            o.Authorization = "Bearer secret-token";
            o.UseGzip = true;
        });

        var reply = await client.GetRatesAsync("CNSGH", "NLRTM", new DateOnly(2016, 1, 1), new DateOnly(2016, 1, 3));

        Assert.Equal(["2016-01-01", "2016-01-02", "2016-01-03"], reply.Days.Select(d => d.Day));
        Assert.Equal(3, _server.Service.UnaryCalls);
        Assert.All(_server.Service.Authorizations, a => Assert.Equal("Bearer secret-token", a));
        Assert.All(_server.Service.RequestEncodings, a => Assert.Equal("gzip", a));
    }

    [Fact]
    public async Task Not_found_is_not_retried()
    {
        using var client = Client();

        var e = await Assert.ThrowsAsync<RpcException>(() => client.GetBatchAsync("never-sent"));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal(1, _server.Service.UnaryCalls);
    }

    [Fact]
    public async Task The_call_timeout_ends_a_call_with_deadline_exceeded()
    {
        // Nothing answers on a listening socket that never accepts HTTP/2: the deadline must fire.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new PriceIngestClient(new Uri($"http://127.0.0.1:{port}"), Fast(o =>
        {
            o.CallTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxAttempts = 1;
        }));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.GetBatchAsync("slow"));

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
    }

    private PriceIngestClient Client(Action<PriceIngestClientOptions>? configure = null) => new(_server.Address, Fast(configure));

    private static PriceIngestClientOptions Fast(Action<PriceIngestClientOptions>? configure)
    {
        var options = new PriceIngestClientOptions { RetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(50) };
        configure?.Invoke(options);
        return options;
    }

    internal static PriceItem Item(string origin, long price) => new() { Origin = origin, Destination = "NLRTM", Day = "2016-01-01", Price = price };

    private static async IAsyncEnumerable<PriceItem> Items(int count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Item("CNSGH", i + 1);
            if (i % 4096 == 0)
            {
                await Task.Yield();
            }
        }
    }

    internal static string TempFile(string extension, string content)
    {
        var path = Path.Combine(Path.GetTempPath(), "priceingest-client-tests-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllText(path, content);
        return path;
    }

    private sealed class SyncProgress(Action<UploadProgress> report) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value) => report(value);
    }
}

/// <summary>A pipe-like stream: no seeking, no length.</summary>
internal sealed class NonSeekable(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
