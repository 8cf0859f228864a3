using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Framing;

namespace PriceIngest.Grpc.Server;

/// <summary>The request stream of a call, read straight from Kestrel's request pipe.</summary>
internal sealed class ServerStreamReader<T>(HttpServerCallContext call, Marshaller<T> marshaller) : IAsyncStreamReader<T>
{
    private readonly MessageReader<T> _reader = new(
        call.HttpContext.Request.BodyReader, marshaller, call.Options.MaxReceiveMessageSize, call.RequestEncoding, call.RequestDecompressor);

    public T Current => _reader.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        // The call's own token always applies, so a read never outlives the call's deadline.
        if (!cancellationToken.CanBeCanceled || cancellationToken == call.CancellationToken)
        {
            return await _reader.MoveNextAsync(call.CancellationToken);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.CancellationToken);
        return await _reader.MoveNextAsync(linked.Token);
    }

    /// <summary>Reads the single request of a unary or server-streaming call, and its end.</summary>
    public async Task<T> ReadSingleAsync()
    {
        if (!await MoveNext(call.CancellationToken))
        {
            throw new RpcException(StatusCode.Internal, "No request message arrived for a method that takes one.");
        }

        var request = Current;
        if (await MoveNext(call.CancellationToken))
        {
            throw new RpcException(StatusCode.Internal, "More than one request message arrived for a method that takes one.");
        }

        return request;
    }
}
