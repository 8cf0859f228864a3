using System.IO.Compression;

namespace PriceIngest.Grpc.Compression;

public sealed class GzipCompressionProvider(CompressionLevel level = CompressionLevel.Fastest) : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream destination) => new GZipStream(destination, level, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream source) => new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
}
