using Grpc.Core;
using Microsoft.Extensions.Options;
using PriceIngest.Api.Grpc;
using PriceIngest.Api.Internal;
using PriceIngest.Contracts.Internal.V1;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Rates;
using PriceIngest.Grains.Services;
using V1 = PriceIngest.Contracts.V1;

namespace PriceIngest.Silo.Cluster;

/// <summary>
/// <c>priceingest.internal.v1.SiloService</c>: what gateways ask of a silo. Lane sums come from
/// this silo's lane grains; relayed uploads go through the same <see cref="IIngestService"/> as
/// the public APIs.
/// </summary>
internal sealed class SiloGrpcService(LaneSummer lanes, IIngestService ingest, IOptions<RatesOptions> limits, SiloMetrics metrics)
    : SiloService.SiloServiceBase
{
    public override async Task<SumLanesReply> SumLanes(SumLanesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var length = (long)request.DayTo - request.DayFrom + 1;
        if (request.DayFrom < DateOnly.MinValue.DayNumber || request.DayTo > DateOnly.MaxValue.DayNumber
            || length < 1 || length > limits.Value.MaxRangeDays)
        {
            throw DomainStatus.InvalidArgument("day_to", $"the range {request.DayFrom}..{request.DayTo} is empty or longer than {limits.Value.MaxRangeDays} days");
        }

        if (request.Lanes.Count > limits.Value.MaxLanes)
        {
            throw DomainStatus.InvalidArgument("lanes", $"{request.Lanes.Count} lanes exceed the limit of {limits.Value.MaxLanes}");
        }

        // Read before summing: every lane summed below has at least this commit (and the requested one,
        // which SumAsync waits for); read after, it could name a commit that arrived during the sum.
        var applied = Math.Max(lanes.AppliedSeq, request.MinCommitSeq);
        DaySums sums;
        try
        {
            sums = await lanes.SumAsync(request.Lanes, DateOnly.FromDayNumber(request.DayFrom), DateOnly.FromDayNumber(request.DayTo),
                request.MinCommitSeq > 0 ? request.MinCommitSeq : null, context.CancellationToken);
        }
        catch (Exception e) when (DomainStatus.From(e) is { } rpc)
        {
            throw rpc;
        }

        metrics.LanesSummed(request.Lanes.Count);
        var reply = new SumLanesReply { AppliedCommitSeq = applied };
        reply.Sums.Add(sums.Sums);
        reply.Counts.Add(sums.Counts);
        return reply;
    }

    public override async Task<V1.BatchReceipt> Upload(IAsyncStreamReader<UploadRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        var requests = requestStream;
        var cancellationToken = context.CancellationToken;
        if (!await requests.MoveNext(cancellationToken) || requests.Current.PartCase != UploadRequest.PartOneofCase.Header)
        {
            throw DomainStatus.InvalidArgument("header", "the first message must carry the header; nothing was written");
        }

        var header = RelayedChunks.From(requests.Current.Header);
        try
        {
            var outcome = await ingest.UploadAsync(header, ReadChunksAsync(requests, cancellationToken), cancellationToken);
            metrics.RelayedUpload(outcome.State);
            return Receipts.From(outcome);
        }
        catch (Exception e) when (DomainStatus.From(e) is { } rpc)
        {
            throw rpc;
        }
    }

    private static async IAsyncEnumerable<PriceChunk> ReadChunksAsync(
        IAsyncStreamReader<UploadRequest> requests, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await requests.MoveNext(cancellationToken))
        {
            if (requests.Current.PartCase != UploadRequest.PartOneofCase.Chunk)
            {
                throw DomainStatus.InvalidArgument("header", "only the first message carries the header; nothing was written");
            }

            yield return RelayedChunks.Decode(requests.Current.Chunk);
        }
    }
}
