using PriceIngest.Contracts.V1;
using Grpc.Net.Client;
using Grpc.Core;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>IngestService.SubmitBatch and GetBatch with our client.</summary>
[Collection("postgres")]
public sealed class GrpcBatchCallsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SiloInstance _silo = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Ingest:MaxBatchItems=100");
        await TestData.LoadReferenceAsync(_silo.Http);
        _channel = GrpcChannel.ForAddress(_silo.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _silo.DisposeAsync();
    }

    private static SubmitBatchRequest Submit(string id, params PriceItem[] items)
    {
        var request = new SubmitBatchRequest { Header = new BatchHeader { BatchId = id } };
        request.Items.Add(items);
        return request;
    }

    [Fact]
    public async Task Submit_commits_and_get_batch_returns_the_same_receipt()
    {
        var receipt = await new IngestService.IngestServiceClient(_channel).SubmitBatchAsync(Submit("s-1", Item("CNSGH", "NLRTM", "2016-01-01", 10), Item("CNNBO", "DEHAM", "2016-01-02", 20)));

        Assert.Equal((BatchStatus.Committed, 2L), (receipt.Status, receipt.Items));
        Assert.Equal(2, await Sql.PriceCountAsync(_silo.ConnectionString));
        var status = await new IngestService.IngestServiceClient(_channel).GetBatchAsync(new GetBatchRequest { BatchId = "s-1" });
        Assert.Equal((BatchStatus.Committed, receipt.CommitSeq, 2L), (status.Status, status.CommitSeq, status.Items));

        var again = await new IngestService.IngestServiceClient(_channel).SubmitBatchAsync(Submit("s-1", Item("CNSGH", "NLRTM", "2016-01-01", 99)));
        Assert.Equal(receipt.CommitSeq, again.CommitSeq);
        Assert.Equal(2, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Submit_with_invalid_items_is_an_ok_rejection_and_get_batch_keeps_the_errors()
    {
        var receipt = await new IngestService.IngestServiceClient(_channel).SubmitBatchAsync(Submit("s-bad", Item("CNSGH", "CNSGH", "2016-01-01", 10), Item("CNSGH", "NLRTM", "2016-13-01", 20)));

        Assert.Equal(BatchStatus.Rejected, receipt.Status);
        Assert.Equal([(0L, "destination"), (1L, "day")], receipt.Errors.Select(e => (e.Index, e.Field)));
        var status = await new IngestService.IngestServiceClient(_channel).GetBatchAsync(new GetBatchRequest { BatchId = "s-bad" });
        Assert.Equal((BatchStatus.Rejected, 2L), (status.Status, status.InvalidItems));
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Submit_over_the_item_limit_is_resource_exhausted()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => new IngestService.IngestServiceClient(_channel).SubmitBatchAsync(Submit("s-huge", [.. Enumerable.Range(0, 101).Select(i => Item("CNSGH", "NLRTM", "2016-01-01", i + 1))])).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Submit_without_a_header_or_with_a_bad_id_is_invalid_argument()
    {
        var noHeader = await Assert.ThrowsAsync<RpcException>(() => new IngestService.IngestServiceClient(_channel).SubmitBatchAsync(new SubmitBatchRequest()).ResponseAsync);
        var badId = await Assert.ThrowsAsync<RpcException>(() => new IngestService.IngestServiceClient(_channel).SubmitBatchAsync(Submit("a/b")).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "header is required; nothing was written"), (noHeader.StatusCode, noHeader.Status.Detail));
        Assert.Equal(StatusCode.InvalidArgument, badId.StatusCode);
        Assert.StartsWith("header.batch_id 'a/b' is malformed", badId.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_batch_of_an_unknown_id_is_not_found_and_of_a_malformed_id_invalid_argument()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => new IngestService.IngestServiceClient(_channel).GetBatchAsync(new GetBatchRequest { BatchId = "never-sent" }).ResponseAsync);
        var malformed = await Assert.ThrowsAsync<RpcException>(() => new IngestService.IngestServiceClient(_channel).GetBatchAsync(new GetBatchRequest()).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, "batch_id 'never-sent' was never received"), (unknown.StatusCode, unknown.Status.Detail));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.StartsWith("batch_id", malformed.Status.Detail, StringComparison.Ordinal);
    }
}
