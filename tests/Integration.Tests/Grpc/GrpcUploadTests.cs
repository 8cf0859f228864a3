using PriceIngest.Contracts.V1;
using Grpc.Net.Client;
using Grpc.Core;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>IngestService.UploadBatch with our client against a real silo and PostgreSQL.</summary>
[Collection("postgres")]
public sealed class GrpcUploadTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SiloInstance _silo = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(),
            "--Ingest:MaxBatchItems=1000", "--Ingest:MaxReportedErrors=5", "--Grpc:MaxReceiveMessageBytes=65536", "--Grpc:ChunkItems=7");
        await TestData.LoadReferenceAsync(_silo.Http);
        _channel = GrpcChannel.ForAddress(_silo.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _silo.DisposeAsync();
    }

    private Task<long> PriceCountAsync() => Sql.PriceCountAsync(_silo.ConnectionString);

    [Fact]
    public async Task Upload_commits_every_item_of_every_message_with_a_receipt()
    {
        var messages = Enumerable.Range(0, 5).Select(m => Enumerable.Range(0, 10).Select(i => Item("CNSGH", "NLRTM", "2016-01-01", (m * 10) + i + 1)).ToArray());

        var receipt = await UploadAsync(_channel, "g-commit", messages);

        Assert.Equal(("g-commit", BatchStatus.Committed, 50L), (receipt.BatchId, receipt.Status, receipt.Items));
        Assert.True(receipt.CommitSeq > 0);
        Assert.NotNull(receipt.ReceivedAt);
        Assert.NotNull(receipt.FinishedAt);
        Assert.Empty(receipt.Errors);
        Assert.Equal(50, await PriceCountAsync());
        Assert.Equal(50 * 51 / 2, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select sum(price) from prices"));
    }

    [Fact]
    public async Task Retry_with_the_same_id_returns_the_first_receipt_and_writes_nothing_twice()
    {
        var first = await UploadAsync(_channel, "g-retry", [[Item("CNSGH", "NLRTM", "2016-01-01", 100)]]);
        // The retry streams far more than the first upload; the server answers from the record without reading it.
        var second = await UploadAsync(_channel, "g-retry", Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 500).Select(i => Item("CNSGH", "DEHAM", "2016-01-02", 999)).ToArray()));

        Assert.Equal(BatchStatus.Committed, second.Status);
        Assert.Equal(first.CommitSeq, second.CommitSeq);
        Assert.Equal(1, second.Items);
        Assert.Equal(1, await PriceCountAsync());
        Assert.Equal(100, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select sum(price) from prices"));
    }

    [Fact]
    public async Task A_stream_of_invalid_items_stops_being_read_once_more_are_invalid_than_a_rejection_lists()
    {
        var receipt = await UploadAsync(_channel, "g-garbage", Enumerable.Range(0, 1_000).Select(i => new[] { Item("XXXXX", "NLRTM", "2016-01-01", i + 1) }));

        Assert.Equal(BatchStatus.Rejected, receipt.Status);
        Assert.Equal(5, receipt.Errors.Count);
        Assert.InRange(receipt.Items, 6, 14); // the first chunk (Grpc:ChunkItems=7) that holds a sixth invalid item
        Assert.Contains("reading stopped after item", receipt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_items_reject_the_batch_in_an_ok_reply_with_errors_indexed_across_messages()
    {
        var receipt = await UploadAsync(_channel, "g-bad", [
            [Item("CNSGH", "NLRTM", "2016-01-01", 100), Item("XXXXX", "NLRTM", "2016-01-01", 100)],
            [Item("CNSGH", "NLRTM", "2016-02-30", 100)],
            [Item(string.Empty, "NLRTM", "2016-01-01", 100), Item("CNSGH", "NLRTM", "2016-01-01", 0), Item("CNSGH", "NLRTM", "16-1-1", 5)],
        ]);

        Assert.Equal(BatchStatus.Rejected, receipt.Status);
        Assert.Equal(6, receipt.Items);
        Assert.Equal(5, receipt.InvalidItems);
        Assert.Equal("the batch has invalid items", receipt.Reason);
        Assert.Equal(
            [(1L, "origin", "XXXXX"), (2L, "day", "2016-02-30"), (3L, "origin", string.Empty), (4L, "price", "0"), (5L, "day", "16-1-1")],
            receipt.Errors.Select(e => (e.Index, e.Field, e.Value)));
        Assert.Contains("unknown port", receipt.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal("day is not a real date in YYYY-MM-DD form", receipt.Errors[1].Reason);
        Assert.Equal("origin is missing", receipt.Errors[2].Reason);
        Assert.Equal(0, await PriceCountAsync());
        Assert.Equal(BatchStatus.Rejected, (await TryGetBatchAsync(_channel, "g-bad"))!.Status);
    }

    [Fact]
    public async Task Declared_item_count_that_does_not_match_rejects_the_batch()
    {
        using var call = new IngestService.IngestServiceClient(_channel).UploadBatch();
        await call.RequestStream.WriteAsync(Header("g-declared", declaredItems: 3));
        await call.RequestStream.WriteAsync(Items(Item("CNSGH", "NLRTM", "2016-01-01", 1)));
        await call.RequestStream.CompleteAsync();

        var receipt = await call;

        Assert.Equal(BatchStatus.Rejected, receipt.Status);
        Assert.Equal(0, await PriceCountAsync());
    }

    [Fact]
    public async Task Concurrent_duplicate_is_already_exists_and_the_first_upload_still_commits()
    {
        using var first = new IngestService.IngestServiceClient(_channel).UploadBatch();
        await first.RequestStream.WriteAsync(Header("g-busy"));
        await first.RequestStream.WriteAsync(Items(Item("CNSGH", "NLRTM", "2016-01-01", 1), Item("CNSGH", "NLRTM", "2016-01-02", 2)));
        await WaitForStatusAsync(_channel, "g-busy", BatchStatus.Receiving);

        var duplicate = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(_channel, "g-busy", [[Item("CNSGH", "NLRTM", "2016-01-01", 5)]]));

        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);
        Assert.Contains("g-busy", duplicate.Status.Detail, StringComparison.Ordinal);
        await first.RequestStream.WriteAsync(Items(Item("CNSGH", "NLRTM", "2016-01-03", 3)));
        await first.RequestStream.CompleteAsync();
        Assert.Equal((BatchStatus.Committed, 3L), ((await first).Status, (await first).Items));
        Assert.Equal(3, await PriceCountAsync());
    }

    [Fact]
    public async Task Batch_over_the_item_limit_is_resource_exhausted_and_writes_nothing()
    {
        var messages = Enumerable.Range(0, 11).Select(m => Enumerable.Range(0, 100).Select(i => Item("CNSGH", "NLRTM", "2016-01-01", i + 1)).ToArray());

        var e = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(_channel, "g-huge", messages));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("Ingest:MaxBatchItems", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await PriceCountAsync());
    }

    [Fact]
    public async Task Message_over_the_size_limit_is_resource_exhausted_and_writes_nothing()
    {
        // 65,536 bytes allowed per message; 900 items of about 80 bytes are over it.
        var big = Enumerable.Range(0, 900).Select(i => Item("CNSGH" + new string(' ', 60), "NLRTM", "2016-01-01", i + 1)).ToArray();

        var e = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(_channel, "g-fat", [big]));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal(0, await PriceCountAsync());
        await WaitForStatusAsync(_channel, "g-fat", BatchStatus.Aborted);
    }

    [Fact]
    public async Task Cancelling_mid_stream_writes_nothing_and_frees_the_id()
    {
        using var cancel = new CancellationTokenSource();
        var call = new IngestService.IngestServiceClient(_channel).UploadBatch(new CallOptions(cancellationToken: cancel.Token));
        await call.RequestStream.WriteAsync(Header("g-cancel"));
        await call.RequestStream.WriteAsync(Items([.. Enumerable.Range(0, 50).Select(i => Item("CNSGH", "NLRTM", "2016-01-01", i + 1))]));
        await WaitForStatusAsync(_channel, "g-cancel", BatchStatus.Receiving);

        await cancel.CancelAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        call.Dispose();

        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        await WaitForStatusAsync(_channel, "g-cancel", BatchStatus.Aborted);
        Assert.Equal(0, await PriceCountAsync());
        var retry = await UploadAsync(_channel, "g-cancel", [[Item("CNSGH", "NLRTM", "2016-01-01", 1)]]);
        Assert.Equal(BatchStatus.Committed, retry.Status);
        Assert.Equal(1, await PriceCountAsync());
    }

    [Fact]
    public async Task Deadline_mid_stream_is_deadline_exceeded_and_writes_nothing()
    {
        using var call = new IngestService.IngestServiceClient(_channel).UploadBatch(new CallOptions(deadline: DateTime.UtcNow.AddSeconds(1)));
        await call.RequestStream.WriteAsync(Header("g-deadline"));
        await call.RequestStream.WriteAsync(Items(Item("CNSGH", "NLRTM", "2016-01-01", 1)));

        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        await WaitForStatusAsync(_channel, "g-deadline", BatchStatus.Aborted);
        Assert.Equal(0, await PriceCountAsync());
    }

    [Theory]
    [InlineData("items-first")]
    [InlineData("header-twice")]
    [InlineData("empty-stream")]
    [InlineData("bad-id")]
    public async Task Header_problems_are_invalid_argument_and_write_nothing(string problem)
    {
        using var call = new IngestService.IngestServiceClient(_channel).UploadBatch();
        switch (problem)
        {
            case "items-first":
                await call.RequestStream.WriteAsync(Items(Item("CNSGH", "NLRTM", "2016-01-01", 1)));
                break;
            case "header-twice":
                await call.RequestStream.WriteAsync(Header("g-twice"));
                await call.RequestStream.WriteAsync(Items(Item("CNSGH", "NLRTM", "2016-01-01", 1)));
                await call.RequestStream.WriteAsync(Header("g-twice"));
                break;
            case "bad-id":
                await call.RequestStream.WriteAsync(Header("has space"));
                break;
        }

        await CompleteQuietlyAsync(call.RequestStream);
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(problem == "bad-id" ? "header.batch_id" : "header", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await PriceCountAsync());
        if (problem == "header-twice")
        {
            await WaitForStatusAsync(_channel, "g-twice", BatchStatus.Aborted);
        }
    }

    [Fact]
    public async Task Empty_batch_id_gets_a_generated_one()
    {
        var receipt = await UploadAsync(_channel, string.Empty, [[Item("CNSGH", "NLRTM", "2016-01-01", 1)]]);

        Assert.Equal(BatchStatus.Committed, receipt.Status);
        Assert.Matches("^[0-9a-f]{32}$", receipt.BatchId);
    }

    private static async Task CompleteQuietlyAsync(IClientStreamWriter<UploadBatchRequest> stream)
    {
        try
        {
            await stream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server may have ended the call already; its status is what the test reads.
        }
    }
}
