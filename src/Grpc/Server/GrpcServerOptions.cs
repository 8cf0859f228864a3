using PriceIngest.Grpc.Compression;

namespace PriceIngest.Grpc.Server;

/// <summary>Server-wide gRPC settings (services.AddGrpcServer(o => ...)).</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted, compressed or not; null for no limit. gRPC's default is 4 MiB.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; null (gRPC's default) for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>The encodings the server can read and write (grpc-encoding).</summary>
    public IList<ICompressionProvider> CompressionProviders { get; } = [new GzipCompressionProvider(), new DeflateCompressionProvider()];

    /// <summary>Compress responses with this encoding when the client accepts it; null sends them uncompressed.</summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>
    /// How long one response message may wait for a client that does not read (HTTP/2 flow control)
    /// before the call is cancelled and its stream reset; a stuck client must not pin a handler forever.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Put handler exception text in INTERNAL statuses. Development only: it leaks internals.</summary>
    public bool EnableDetailedErrors { get; set; }
}
