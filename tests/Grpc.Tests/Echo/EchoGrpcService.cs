using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PriceIngest.Grpc.Tests.Protos;
using RichStatus = Google.Rpc.Status;

namespace PriceIngest.Grpc.Tests.Echo;

/// <summary>
/// The test service on Grpc.AspNetCore, derived from the base generated from interop_test.proto
/// (named EchoGrpcService because the generated container class is EchoService).
/// </summary>
public sealed class EchoGrpcService(EchoProbe probe) : EchoService.EchoServiceBase
{
    // Grpc.AspNetCore's per-call response compression: this response header (never sent) picks the
    // algorithm for the call's messages.
    private const string ResponseCompressionHeader = "grpc-internal-encoding-request";

    public override async Task<EchoReply> Unary(EchoRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var echoed = new Metadata();
        foreach (var entry in context.RequestHeaders.Where(e => e.Key.StartsWith("x-", StringComparison.Ordinal)))
        {
            echoed.Add(entry);
            context.ResponseTrailers.Add(entry.IsBinary
                ? new Metadata.Entry("trailer-" + entry.Key, entry.ValueBytes)
                : new Metadata.Entry("trailer-" + entry.Key, entry.Value));
        }

        if (request.CompressResponse && ClientAccepts(context, "gzip"))
        {
            echoed.Add(ResponseCompressionHeader, "gzip");
        }

        if (echoed.Count > 0)
        {
            await context.WriteResponseHeadersAsync(echoed);
        }

        var reply = new EchoReply
        {
            Message = request.Message,
            Payload = request.ResponsePayloadSize > 0 ? ByteString.CopyFrom(new byte[request.ResponsePayloadSize]) : request.Payload,
            // Grpc.AspNetCore keeps grpc-encoding out of RequestHeaders: read it from the HTTP request.
            RequestEncoding = context.GetHttpContext().Request.Headers["grpc-encoding"].ToString(),
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

    public override async Task<SumReply> ClientStream(IAsyncStreamReader<Number> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
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

    public override async Task ServerStream(StreamRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        if (request.CompressResponse && ClientAccepts(context, "gzip"))
        {
            await context.WriteResponseHeadersAsync(new Metadata { { ResponseCompressionHeader, "gzip" } });
        }

        var payload = ByteString.CopyFrom(new byte[request.PayloadSize]);
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                if (request.FailAfter > 0 && i == request.FailAfter)
                {
                    throw new RpcException(new Status(StatusCode.Aborted, $"Failed after {i} replies"));
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

    public override async Task Duplex(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var index = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new EchoReply { Message = request.Message, Index = index++, Payload = request.Payload }, context.CancellationToken);
        }
    }

    public override Task<EchoReply> Fail(FailRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
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

        if (!request.WithDetails)
        {
            throw new RpcException(new Status(code, request.Message));
        }

        // Grpc.StatusProto: the google.rpc.Status travels in grpc-status-details-bin.
        var rich = new RichStatus { Code = request.Code, Message = request.Message };
        rich.Details.Add(Any.Pack(new StringValue { Value = "detail: " + request.Message }));
        throw rich.ToRpcException();
    }

    public override async Task<SleepReply> Sleep(SleepRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var watch = Stopwatch.StartNew();
        probe.Report(request.Tag + ":started", "started");
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

    // Grpc.AspNetCore compresses with the algorithm a handler picks whether or not the client
    // listed it in grpc-accept-encoding (it only logs that it did not), so the handler checks.
    private static bool ClientAccepts(ServerCallContext context, string encoding) =>
        context.GetHttpContext().Request.Headers["grpc-accept-encoding"].ToString()
            .Split(',', StringSplitOptions.TrimEntries).Contains(encoding, StringComparer.Ordinal);

    // Timers tick in milliseconds and may fire a hair before the wall-clock deadline: allow for it.
    private static string Outcome(ServerCallContext context, Exception e) =>
        context.CancellationToken.IsCancellationRequested
            ? (DateTime.UtcNow >= context.Deadline.AddMilliseconds(-20) ? "deadline" : "cancelled")
            : "failed:" + e.GetType().Name;
}
