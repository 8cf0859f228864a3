namespace PriceIngest.Grpc.Compression;

/// <summary>
/// One grpc-encoding. gRPC compresses each message on its own (no context across messages), so a
/// provider wraps one message's bytes at a time.
/// </summary>
public interface ICompressionProvider
{
    /// <summary>The grpc-encoding token, e.g. "gzip".</summary>
    string EncodingName { get; }

    Stream CreateCompressionStream(Stream destination);

    Stream CreateDecompressionStream(Stream source);
}
