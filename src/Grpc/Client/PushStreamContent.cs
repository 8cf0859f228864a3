using System.Net;
using System.Net.Http;
using PriceIngest.Grpc.Protocol;

namespace PriceIngest.Grpc.Client;

/// <summary>
/// A request body written while the call runs: HttpClient hands us its stream, messages are pushed
/// into it as the caller writes them, and the body ends (END_STREAM) when the caller completes it.
/// </summary>
internal sealed class PushStreamContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PushStreamContent()
    {
        Headers.TryAddWithoutValidation(GrpcHeaders.ContentType, GrpcHeaders.GrpcContentType);
    }

    public Task<Stream> GetStreamAsync(CancellationToken cancellationToken) => _stream.Task.WaitAsync(cancellationToken);

    /// <summary>Ends the request body normally.</summary>
    public void Complete() => _completed.TrySetResult();

    /// <summary>Ends the request body as failed, which resets the HTTP/2 stream.</summary>
    public void Abort()
    {
        _stream.TrySetCanceled();
        _completed.TrySetCanceled();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _completed.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        // Unknown: the body streams for as long as the caller writes.
        length = -1;
        return false;
    }
}
