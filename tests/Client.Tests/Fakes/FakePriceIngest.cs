using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using PriceIngest.Contracts.V1;
using Grpc.AspNetCore.Server;
using Grpc.Core;

namespace PriceIngest.Client.Tests.Fakes;

/// <summary>
/// IngestService and PriceService with scripted behaviour: items whose origin is "XXXXX" reject
/// the batch (one item error per such item), batch id "invalid" answers INVALID_ARGUMENT, the
/// first <see cref="FailFirstUploads"/> uploads fail UNAVAILABLE after <see cref="FailAfterMessages"/>
/// messages. Committed batches are kept by id (exactly once: a committed id returns its receipt).
/// </summary>
public sealed class FakePriceIngest
{
    private readonly ConcurrentDictionary<string, BatchReceipt> _batches = new(StringComparer.Ordinal);
    private int _uploadAttempts;
    private int _unaryCalls;
    private long _commitSeq;

    /// <summary>How many upload attempts fail with UNAVAILABLE before one succeeds (int.MaxValue: all).</summary>
    public int FailFirstUploads { get; set; }

    /// <summary>Messages (header included) a failing upload reads before it fails.</summary>
    public int FailAfterMessages { get; set; } = 1;

    /// <summary>How many unary calls fail with UNAVAILABLE before one succeeds.</summary>
    public int FailFirstUnary { get; set; }

    public int UploadAttempts => Volatile.Read(ref _uploadAttempts);

    public int UnaryCalls => Volatile.Read(ref _unaryCalls);

    /// <summary>Every upload attempt: batch id, items per message (after the header), complete or not.</summary>
    public ConcurrentQueue<UploadAttempt> Uploads { get; } = new();

    public ConcurrentQueue<string> Authorizations { get; } = new();

    public ConcurrentQueue<string> RequestEncodings { get; } = new();

    public async Task<BatchReceipt> UploadBatch(IAsyncStreamReader<UploadBatchRequest> requests, ServerCallContext context)
    {
        var attemptNumber = Interlocked.Increment(ref _uploadAttempts);
        Record(context);
        var attempt = new UploadAttempt();
        Uploads.Enqueue(attempt);
        var failing = attemptNumber <= FailFirstUploads;
        var messages = 0;
        var items = new List<PriceItem>();
        while (await requests.MoveNext(context.CancellationToken))
        {
            var request = requests.Current;
            messages++;
            if (messages == 1)
            {
                if (request.PartCase != UploadBatchRequest.PartOneofCase.Header)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message must carry the header"));
                }

                attempt.BatchId = request.Header.BatchId;
                attempt.Source = request.Header.Source;
                if (attempt.BatchId == "invalid")
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "batch_id 'invalid' is not allowed here"));
                }
            }
            else
            {
                attempt.ChunkSizes.Add(request.Items.Items.Count);
                items.AddRange(request.Items.Items);
            }

            if (failing && messages >= FailAfterMessages)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "the database is unreachable; nothing was written"));
            }
        }

        attempt.Completed = true;
        attempt.Items = items.Count;
        return Finish(attempt.BatchId, items);
    }

    public Task<BatchReceipt> SubmitBatch(SubmitBatchRequest request, ServerCallContext context)
    {
        Unary(context);
        return Task.FromResult(Finish(request.Header.BatchId, [.. request.Items]));
    }

    public Task<BatchReceipt> GetBatch(GetBatchRequest request, ServerCallContext context)
    {
        Unary(context);
        return _batches.TryGetValue(request.BatchId, out var receipt)
            ? Task.FromResult(receipt)
            : throw new RpcException(new Status(StatusCode.NotFound, $"batch '{request.BatchId}' was never received"));
    }

    public Task<RatesReply> GetRates(RatesRequest request, ServerCallContext context)
    {
        Unary(context);
        if (request.Origin == "nowhere")
        {
            throw new RpcException(new Status(StatusCode.NotFound, "unknown port or region 'nowhere' (origin)"));
        }

        var from = DateOnly.ParseExact(request.DateFrom, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var to = DateOnly.ParseExact(request.DateTo, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var reply = new RatesReply();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var count = day.Day % 2 == 0 ? 1 : 4;
            var rate = new DayRate { Day = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Count = count };
            if (count >= (request.HasMinCount ? request.MinCount : 3))
            {
                rate.AveragePrice = 1000 + day.Day;
            }

            reply.Days.Add(rate);
        }

        return Task.FromResult(reply);
    }

    private void Unary(ServerCallContext context)
    {
        Record(context);
        if (Interlocked.Increment(ref _unaryCalls) <= FailFirstUnary)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "draining"));
        }
    }

    private void Record(ServerCallContext context)
    {
        Authorizations.Enqueue(context.RequestHeaders.GetValue("authorization") ?? string.Empty);
        RequestEncodings.Enqueue(context.GetHttpContext().Request.Headers["grpc-encoding"].ToString());
    }

    private BatchReceipt Finish(string batchId, List<PriceItem> items)
    {
        if (_batches.TryGetValue(batchId, out var existing) && existing.Status == BatchStatus.Committed)
        {
            return existing;
        }

        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        var receipt = new BatchReceipt { BatchId = batchId, Items = items.Count, ReceivedAt = now, FinishedAt = now };
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Origin == "XXXXX")
            {
                receipt.InvalidItems++;
                receipt.Errors.Add(new ItemError { Index = i, Field = "origin", Value = "XXXXX", Reason = "unknown port code 'XXXXX'" });
            }
        }

        if (receipt.InvalidItems > 0)
        {
            receipt.Status = BatchStatus.Rejected;
            receipt.Reason = "the batch has invalid items";
        }
        else
        {
            receipt.Status = BatchStatus.Committed;
            receipt.CommitSeq = Interlocked.Increment(ref _commitSeq);
        }

        _batches[batchId] = receipt;
        return receipt;
    }
}

/// <summary>The fake's IngestService, as Grpc.AspNetCore maps it.</summary>
public sealed class FakeIngestService(FakePriceIngest fake) : IngestService.IngestServiceBase
{
    public override Task<BatchReceipt> UploadBatch(IAsyncStreamReader<UploadBatchRequest> requestStream, ServerCallContext context) => fake.UploadBatch(requestStream, context);

    public override Task<BatchReceipt> SubmitBatch(SubmitBatchRequest request, ServerCallContext context) => fake.SubmitBatch(request, context);

    public override Task<BatchReceipt> GetBatch(GetBatchRequest request, ServerCallContext context) => fake.GetBatch(request, context);
}

/// <summary>The fake's PriceService, as Grpc.AspNetCore maps it.</summary>
public sealed class FakePriceService(FakePriceIngest fake) : PriceService.PriceServiceBase
{
    public override Task<RatesReply> GetRates(RatesRequest request, ServerCallContext context) => fake.GetRates(request, context);
}

public sealed class UploadAttempt
{
    public string BatchId { get; set; } = string.Empty;

    public string Source { get; set; } = string.Empty;

    public List<int> ChunkSizes { get; } = [];

    public bool Completed { get; set; }

    public int Items { get; set; }
}
