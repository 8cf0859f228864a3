using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PriceIngest.Contracts.V1;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// <c>priceingest.v1.IngestService</c> over <see cref="IIngestService"/>: the same batches, rules and
/// limits as <c>POST /batches</c>. A rejection is an OK reply with status REJECTED and the item
/// errors; the failures are mapped by <see cref="DomainStatus"/>.
/// </summary>
internal sealed class IngestGrpcService(IIngestService ingest, IOptions<GrpcApiOptions> options, ILogger<IngestGrpcService> logger)
{
    public async Task<BatchReceipt> UploadBatch(IAsyncStreamReader<UploadPart> requests, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requests.MoveNext(cancellationToken))
        {
            throw DomainStatus.InvalidArgument("header", "the stream ended before the header: the first message must carry it; nothing was written");
        }

        if (requests.Current.Kind != UploadBatchRequest.PartOneofCase.Header)
        {
            throw DomainStatus.InvalidArgument("header", "the first message must carry the header; nothing was written");
        }

        var header = BatchHeaders.From(requests.Current.Header!);
        return await UploadAsync(header, UploadStream.ReadAsync(requests, options.Value.ChunkItems, cancellationToken), cancellationToken);
    }

    public async Task<BatchReceipt> SubmitBatch(SubmitBatchRequest request, ServerCallContext context)
    {
        var header = BatchHeaders.From(request.Header);
        var chunks = UploadStream.Chunk(request.Items, options.Value.ChunkItems).ToAsyncEnumerable();
        return await UploadAsync(header, chunks, context.CancellationToken);
    }

    public async Task<BatchReceipt> GetBatch(GetBatchRequest request, ServerCallContext context)
    {
        var id = BatchHeaders.CheckId(request.BatchId, "batch_id");
        var outcome = await ingest.GetBatchAsync(id, context.CancellationToken)
            ?? throw new RpcException(StatusCode.NotFound, $"batch_id '{id}' was never received");
        return Receipts.From(outcome);
    }

    private async Task<BatchReceipt> UploadAsync(Grains.Batches.BatchHeader header, IAsyncEnumerable<PriceChunk> chunks, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await ingest.UploadAsync(header, chunks, cancellationToken);
            GrpcApiLog.UploadFinished(logger, header.BatchId, outcome.State, outcome.Items);
            return Receipts.From(outcome);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            GrpcApiLog.UploadCancelled(logger, header.BatchId);
            throw;
        }
        catch (Exception e) when (DomainStatus.From(e) is { } rpc)
        {
            GrpcApiLog.UploadRefused(logger, header.BatchId, rpc.StatusCode, rpc.Status.Detail);
            throw rpc;
        }
        catch (RpcException e)
        {
            // From the stream itself: a second header, a message over the size limit, a broken frame.
            GrpcApiLog.UploadRefused(logger, header.BatchId, e.StatusCode, e.Status.Detail);
            throw;
        }
    }
}
