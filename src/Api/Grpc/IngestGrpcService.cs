using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.RateLimiting;
using PriceIngest.Api.Limits;
using PriceIngest.Api.Security;
using PriceIngest.Contracts;
using PriceIngest.Contracts.V1;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// <c>priceingest.v1.IngestService</c> over <see cref="IIngestService"/>: the same batches, rules and
/// limits as <c>POST /batches</c>. A rejection is an OK reply with status REJECTED and the item
/// errors; the failures are mapped by <see cref="DomainStatus"/>. UploadBatch is served from the
/// raw request bytes (<see cref="UploadPart"/>): bound through <see cref="RawRequestBinder"/>.
/// </summary>
[BindServiceMethod(typeof(IngestGrpcService), nameof(BindService))]
internal sealed class IngestGrpcService(
    IIngestService ingest, IOptions<GrpcApiOptions> options, UploadStalls stalls, ILogger<IngestGrpcService> logger)
    : IngestService.IngestServiceBase
{
    /// <summary>What server reflection describes (found next to <see cref="BindService"/>).</summary>
    public static ServiceDescriptor Descriptor => IngestService.Descriptor;

    /// <summary>The generated binding, with UploadBatch taking <see cref="RawMessage"/> requests.</summary>
    public static void BindService(ServiceBinderBase binder, IngestService.IngestServiceBase service) =>
        IngestService.BindService(new RawRequestBinder(binder, nameof(UploadBatch)), service);

    [Authorize(Policy = ApiPolicies.Ingest)]
    [EnableRateLimiting(CallerLimits.UploadsPolicy)]
    public override async Task<BatchReceipt> UploadBatch(IAsyncStreamReader<RawMessage> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        using var guard = stalls.Watch(cancellationToken);
        var requests = new UploadPartReader(new StallGuardedStreamReader<RawMessage>(requestStream, guard));
        if (!await FirstAsync(requests, cancellationToken))
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

    [Authorize(Policy = ApiPolicies.Ingest)]
    [EnableRateLimiting(CallerLimits.UploadsPolicy)]
    public override async Task<BatchReceipt> SubmitBatch(SubmitBatchRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var header = BatchHeaders.From(request.Header);
        var chunks = UploadStream.Chunk(request.Items, options.Value.ChunkItems).ToAsyncEnumerable();
        return await UploadAsync(header, chunks, context.CancellationToken);
    }

    [Authorize(Policy = ApiPolicies.Read)]
    public override async Task<BatchReceipt> GetBatch(GetBatchRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var id = BatchHeaders.CheckId(request.BatchId, "batch_id");
        var outcome = await ingest.GetBatchAsync(id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"batch_id '{id}' was never received"));
        return Receipts.From(outcome);
    }

    /// <summary>The header message; a stream that stalls before it is answered like any stalled upload.</summary>
    private static async Task<bool> FirstAsync(UploadPartReader requests, CancellationToken cancellationToken)
    {
        try
        {
            return await requests.MoveNext(cancellationToken);
        }
        catch (UploadStalledException e)
        {
            throw DomainStatus.From(e)!;
        }
    }

    private async Task<BatchReceipt> UploadAsync(Grains.Batches.BatchHeader header, IAsyncEnumerable<PriceChunk> chunks, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await ingest.UploadAsync(header, chunks, cancellationToken);
            GrpcApiLog.UploadFinished(logger, header.BatchId, outcome.State, outcome.Items);
            return Receipts.From(outcome);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client cancelled, reset the stream or passed its deadline (CallOutcomeInterceptor answers CANCELLED).
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
            // From the stream itself: a second header, a message that is not an UploadBatchRequest.
            GrpcApiLog.UploadRefused(logger, header.BatchId, e.StatusCode, e.Status.Detail);
            throw;
        }
    }
}
