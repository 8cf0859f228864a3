using PriceIngest.Contracts.V1;
using Grpc.Net.Client;
using Grpc.Core;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>Builds public-contract messages and drives uploads with Grpc.Net.Client.</summary>
public static class GrpcRequests
{
    public static PriceItem Item(string origin, string destination, string day, long price) =>
        new() { Origin = origin, Destination = destination, Day = day, Price = price };

    public static UploadBatchRequest Header(string batchId, long? declaredItems = null)
    {
        var header = new BatchHeader { BatchId = batchId, Source = "integration-tests" };
        if (declaredItems is { } declared)
        {
            header.DeclaredItems = declared;
        }

        return new UploadBatchRequest { Header = header };
    }

    public static UploadBatchRequest Items(params PriceItem[] items)
    {
        var part = new PriceItems();
        part.Items.Add(items);
        return new UploadBatchRequest { Items = part };
    }

    /// <summary>
    /// Streams the header, then one message per item array; returns the receipt (or throws RpcException).
    /// The server may answer before the stream ends (a committed id returns its first receipt without
    /// reading the rest): a write then fails because the call is complete, and the answer is the reply.
    /// </summary>
    public static async Task<BatchReceipt> UploadAsync(GrpcChannel channel, string batchId, IEnumerable<PriceItem[]> messages, CallOptions options = default)
    {
        using var call = new IngestService.IngestServiceClient(channel).UploadBatch(options);
        try
        {
            await call.RequestStream.WriteAsync(Header(batchId));
            foreach (var message in messages)
            {
                await call.RequestStream.WriteAsync(Items(message));
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (InvalidOperationException) when (call.ResponseAsync.IsCompleted)
        {
            // Answered early (OK): the reply below is the outcome.
        }
        catch (RpcException)
        {
            // Ended early with an error: awaiting the call below throws it.
        }

        return await call;
    }

    public static async Task<BatchReceipt?> TryGetBatchAsync(GrpcChannel channel, string batchId)
    {
        try
        {
            return await new IngestService.IngestServiceClient(channel).GetBatchAsync(new GetBatchRequest { BatchId = batchId });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Polls GetBatch until the batch reaches <paramref name="status"/> (bounded: 30 s).</summary>
    public static async Task WaitForStatusAsync(GrpcChannel channel, string batchId, BatchStatus status)
    {
        for (var i = 0; i < 300; i++)
        {
            if ((await TryGetBatchAsync(channel, batchId))?.Status == status)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"batch {batchId} never reached {status}");
    }

    /// <summary>One gRPC length-prefixed message (not compressed).</summary>
    public static byte[] Frame(byte[] message)
    {
        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>An UploadBatch call as a plain HTTP/2 request whose body is <paramref name="content"/>: frames of any shape.</summary>
    public static HttpRequestMessage RawUploadRequest(Uri grpcAddress, HttpContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");

        // HTTP/2 with prior knowledge (h2c): a request message does not take the client's default version.
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(grpcAddress, "/priceingest.v1.IngestService/UploadBatch"))
        {
            Content = content,
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }
}
