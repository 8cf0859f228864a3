using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PriceIngest.Grpc.Hosting;

public static class GrpcKestrelExtensions
{
    /// <summary>
    /// Adds a Kestrel endpoint that gRPC clients can reach. Without TLS it must speak HTTP/2 only:
    /// clients connect with HTTP/2 prior knowledge (h2c), and an Http1AndHttp2 endpoint without TLS
    /// would answer them as HTTP/1.1. With a certificate, ALPN negotiates h2 (HTTP/1.1 stays
    /// possible so that a browser gets a readable 426 rather than a handshake failure).
    /// </summary>
    public static KestrelServerOptions ListenGrpc(this KestrelServerOptions kestrel, GrpcListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(options);
        kestrel.Listen(options.Address, options.Port, listen =>
        {
            if (string.IsNullOrEmpty(options.CertificatePath))
            {
                listen.Protocols = HttpProtocols.Http2;
            }
            else
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(options.CertificatePath, options.CertificatePassword);
            }
        });
        return kestrel;
    }

    public static KestrelServerOptions ListenGrpc(this KestrelServerOptions kestrel, int port, string? certificatePath = null, string? certificatePassword = null) =>
        kestrel.ListenGrpc(new GrpcListenerOptions { Port = port, CertificatePath = certificatePath, CertificatePassword = certificatePassword });
}
