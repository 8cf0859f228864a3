using System.ComponentModel.DataAnnotations;
using PriceIngest.Api.Hosting;

namespace PriceIngest.Silo.Hosting;

/// <summary>Process-level settings of a silo (configuration section "Silo").</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>REST port (<c>--http-port</c>). Default 5080; 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 5080;

    /// <summary>
    /// gRPC port (<c>--grpc-port</c>): its own HTTP/2 endpoint (h2c, or TLS with ALPN h2 when
    /// <see cref="GrpcCertificatePath"/> is set). Default 5081; 0 picks a free port.
    /// </summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 5081;

    /// <summary>
    /// Orleans's silo-to-silo port (<c>--silo-port</c>). Default: 11111 in local mode, a free port
    /// with a connection string (so that several silos can share a host).
    /// </summary>
    [Range(1, 65535)]
    public int? SiloPort { get; set; }

    /// <summary>
    /// Orleans's port for clients such as gateways (<c>--gateway-port</c>). Default: 30000 in local
    /// mode, a free port with a connection string.
    /// </summary>
    [Range(1, 65535)]
    public int? GatewayPort { get; set; }

    /// <summary>A PFX (or PEM) certificate file: with it the REST port speaks HTTPS only. Default none (plain HTTP).</summary>
    public string? HttpCertificatePath { get; set; }

    /// <summary>The password of <see cref="HttpCertificatePath"/>, if it has one.</summary>
    public string? HttpCertificatePassword { get; set; }

    /// <summary>A PFX (or PEM) certificate file: with it the gRPC port speaks TLS. Default none (h2c).</summary>
    public string? GrpcCertificatePath { get; set; }

    /// <summary>The password of <see cref="GrpcCertificatePath"/>, if it has one.</summary>
    public string? GrpcCertificatePassword { get; set; }

    /// <summary>Address to listen on (REST and gRPC): "localhost" (127.0.0.1 only) or "*" (all interfaces). Default "localhost".</summary>
    public string HttpHost { get; set; } = "localhost";

    /// <summary>
    /// Local mode's PostgreSQL data folder (<c>--data-dir</c>), kept across restarts. Default
    /// ".data/postgres" under the working directory. Unused when a connection string is given.
    /// </summary>
    public string DataDirectory { get; set; } = Path.Combine(".data", "postgres");

    /// <summary>
    /// Load generated sample data when the database has no ports (<c>--no-seed</c> turns it off).
    /// Default: true in local mode, false with a connection string.
    /// </summary>
    public bool? Seed { get; set; }

    public ApiEndpointSettings Endpoints => new(HttpHost, HttpPort, GrpcPort, GrpcCertificatePath, GrpcCertificatePassword, HttpCertificatePath, HttpCertificatePassword);
}
