using System.Runtime.CompilerServices;

namespace PriceIngest.Grpc.Core;

/// <summary>A unary call in flight: <c>var reply = await channel.AsyncUnaryCall(method, request);</c></summary>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncUnaryCall(Task<TResponse> responseAsync, IClientCall call)
    {
        ResponseAsync = responseAsync;
        _call = call;
    }

    /// <summary>The response; fails with <see cref="RpcException"/> on a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it is still running, and frees its resources.</summary>
    public void Dispose() => _call.Dispose();
}
