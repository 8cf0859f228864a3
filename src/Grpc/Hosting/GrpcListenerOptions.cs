using System.Net;

namespace PriceIngest.Grpc.Hosting;

/// <summary>Where the gRPC endpoint listens, and with which certificate if any.</summary>
public sealed class GrpcListenerOptions
{
    /// <summary>The address to bind; all interfaces by default.</summary>
    public IPAddress Address { get; set; } = IPAddress.Any;

    /// <summary>The TCP port; 0 lets the system pick one (tests read it back from the server's addresses).</summary>
    public int Port { get; set; }

    /// <summary>A PFX/PEM certificate file: with it the endpoint speaks TLS (ALPN "h2"); without it, h2c.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}
