using Microsoft.Extensions.Options;
using PriceIngest.Grpc.Compression;

namespace PriceIngest.Grpc.Server;

/// <summary>
/// Registered by AddGrpcServer: proves it was called, and holds what all mapped services share.
/// </summary>
internal sealed class GrpcServerMarker(IOptions<GrpcServerOptions> options)
{
    private CompressionProviders? _providers;

    public GrpcServerOptions Options => options.Value;

    public CompressionProviders Providers => _providers ??= new CompressionProviders(options.Value.CompressionProviders);

    /// <summary>Whether the catch-all UNIMPLEMENTED route for unknown services is mapped yet.</summary>
    public bool UnknownServiceRouteMapped { get; set; }
}
