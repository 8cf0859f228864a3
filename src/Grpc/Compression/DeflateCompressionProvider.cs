using System.IO.Compression;

namespace PriceIngest.Grpc.Compression;

/// <summary>gRPC's "deflate" is the zlib format (RFC 1950), as HTTP's deflate, not raw deflate.</summary>
public sealed class DeflateCompressionProvider(CompressionLevel level = CompressionLevel.Fastest) : ICompressionProvider
{
    public string EncodingName => "deflate";

    public Stream CreateCompressionStream(Stream destination) => new ZLibStream(destination, level, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream source) => new ZLibStream(source, CompressionMode.Decompress, leaveOpen: true);
}
