using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Echo;

/// <summary>The test service, on our server framework.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Handlers are bound to a service instance, as real services are.")]
public sealed class EchoService(EchoProbe probe)
{
    public async Task<EchoReply> Unary(EchoRequest request, ServerCallContext context)
    {
        var echoed = new Metadata();
        foreach (var entry in context.RequestHeaders.Where(e => e.Key.StartsWith("x-", StringComparison.Ordinal)))
        {
            echoed.Add(entry);
            context.ResponseTrailers.Add(entry.IsBinary
                ? new Metadata.Entry("trailer-" + entry.Key, entry.ValueBytes)
                : new Metadata.Entry("trailer-" + entry.Key, entry.Value));
        }

        if (echoed.Count > 0)
        {
            await context.WriteResponseHeadersAsync(echoed);
        }

        if (request.CompressResponse)
        {
            context.ResponseCompression = "gzip";
        }

        var reply = new EchoReply
        {
            Message = request.Message,
            Payload = request.ResponsePayloadSize > 0 ? ByteString.CopyFrom(new byte[request.ResponsePayloadSize]) : request.Payload,
            RequestEncoding = context.RequestEncoding ?? string.Empty,
        };
        foreach (var entry in context.RequestHeaders)
        {
            if (!entry.IsBinary && (entry.Key is "authorization" or "traceparent" || entry.Key.StartsWith("x-", StringComparison.Ordinal)))
            {
                reply.RequestHeaders[entry.Key] = entry.Value;
            }
        }

        return reply;
    }

    public async Task<SumReply> ClientStream(IAsyncStreamReader<Number> requestStream, ServerCallContext context)
    {
        var reply = new SumReply();
        var tag = string.Empty;
        await foreach (var number in requestStream.ReadAllAsync(context.CancellationToken))
        {
            reply.Sum += number.Value;
            reply.Count++;
            reply.PadBytes += number.Pad.Length;
            probe.SetClientStreamMessagesRead(reply.Count);
            if (tag.Length == 0 && number.Tag.Length > 0)
            {
                tag = number.Tag;
                probe.Report(tag + ":first", "received");
            }

            // Answers without reading the rest, as a server does for an upload it already has.
            if (number.Tag.EndsWith(":answer-now", StringComparison.Ordinal))
            {
                break;
            }
        }

        return reply;
    }

    public async Task ServerStream(StreamRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        if (request.CompressResponse)
        {
            context.ResponseCompression = "gzip";
        }

        var payload = ByteString.CopyFrom(new byte[request.PayloadSize]);
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                if (request.FailAfter > 0 && i == request.FailAfter)
                {
                    throw new RpcException(StatusCode.Aborted, $"Failed after {i} replies");
                }

                await responseStream.WriteAsync(new EchoReply { Index = i, Payload = payload, Message = request.Tag }, context.CancellationToken);
                if (request.IntervalMs > 0)
                {
                    await Task.Delay(request.IntervalMs, context.CancellationToken);
                }
            }

            probe.Report(request.Tag, "completed");
        }
        catch (Exception e)
        {
            probe.Report(request.Tag, Outcome(context, e));
            throw;
        }
    }

    public async Task Duplex(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new EchoReply { Message = request.Message, Index = index++, Payload = request.Payload }, context.CancellationToken);
        }
    }

    public Task<EchoReply> Fail(FailRequest request, ServerCallContext context)
    {
        var code = (StatusCode)request.Code;
        if (code == StatusCode.OK)
        {
            return Task.FromResult(new EchoReply { Message = request.Message });
        }

        if (request.Code == -1)
        {
            // An unexpected exception: its text must never reach the client.
            throw new InvalidOperationException("secret connection string Password=hunter2");
        }

        throw request.WithDetails
            ? RpcException.WithDetails(code, request.Message, new StringValue { Value = "detail: " + request.Message })
            : new RpcException(code, request.Message);
    }

    public async Task<SleepReply> Sleep(SleepRequest request, ServerCallContext context)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await Task.Delay(request.Milliseconds, context.CancellationToken);
            probe.Report(request.Tag, "completed");
            return new SleepReply { SleptMs = (int)watch.ElapsedMilliseconds };
        }
        catch (Exception e)
        {
            probe.Report(request.Tag, Outcome(context, e));
            throw;
        }
    }

    // Timers tick in milliseconds and may fire a hair before the wall-clock deadline: allow for it.
    private static string Outcome(ServerCallContext context, Exception e) =>
        context.CancellationToken.IsCancellationRequested
            ? (DateTime.UtcNow >= context.Deadline.AddMilliseconds(-20) ? "deadline" : "cancelled")
            : "failed:" + e.GetType().Name;
}
