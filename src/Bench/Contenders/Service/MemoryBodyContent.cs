using System.Net;
using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Contenders.Service;

/// <summary>A request body streamed from memory in slices, noting when its last byte was handed to the socket.</summary>
internal sealed class MemoryBodyContent : HttpContent
{
    private const int Slice = 256 * 1024;
    private readonly byte[] _body;

    public MemoryBodyContent(byte[] body, string mediaType)
    {
        _body = body;
        Headers.ContentType = new(mediaType);
    }

    /// <summary>Stopwatch timestamp of the end of the body, or 0 while it streams.</summary>
    public long SentAt { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < _body.Length; offset += Slice)
        {
            await stream.WriteAsync(_body.AsMemory(offset, Math.Min(Slice, _body.Length - offset)), cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
        SentAt = Elapsed.Now();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
