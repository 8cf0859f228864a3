namespace PriceIngest.Grpc.Core;

/// <summary>A server-streaming call in flight: read replies as they arrive from <see cref="ResponseStream"/>.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, IClientCall call)
    {
        ResponseStream = responseStream;
        _call = call;
    }

    /// <summary>The replies; MoveNext throws <see cref="RpcException"/> when the call ends non-OK.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}
