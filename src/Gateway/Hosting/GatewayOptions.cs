using System.ComponentModel.DataAnnotations;
using PriceIngest.Api.Hosting;

namespace PriceIngest.Gateway.Hosting;

/// <summary>Settings of a gateway process (configuration section "Gateway").</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>REST port (<c>--http-port</c>). Default 5090; 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 5090;

    /// <summary>gRPC port (<c>--grpc-port</c>), HTTP/2 only. Default 5091; 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 5091;

    /// <summary>"localhost" (127.0.0.1 only) or "*" (all interfaces). Default "localhost".</summary>
    public string HttpHost { get; set; } = "localhost";

    /// <summary>A PFX (or PEM) certificate: with it the public gRPC port speaks TLS. Default none.</summary>
    public string? GrpcCertificatePath { get; set; }

    /// <summary>The password of <see cref="GrpcCertificatePath"/>, if any.</summary>
    public string? GrpcCertificatePassword { get; set; }

    /// <summary>
    /// Attempts per silo call, the first included: a lookup (or an upload the gateway can still
    /// replay) that meets UNAVAILABLE, a refused connection or a draining silo tries the next
    /// silo in rendezvous order. Default 3.
    /// </summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Deadline of one SumLanes call to a silo. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SiloCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// An upload is kept in memory up to this many items so that it can be replayed on another
    /// silo if its silo fails before answering; a longer upload that loses its silo is answered
    /// UNAVAILABLE (the client resends it with the same batch id: exactly once). Default 65,536.
    /// </summary>
    [Range(0, 10_000_000)]
    public int ReplayItems { get; set; } = 65_536;

    /// <summary>A silo whose connection failed is skipped for this long (or until the table shows it again). Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SuspectFor { get; set; } = TimeSpan.FromSeconds(5);

    public ApiEndpointSettings Endpoints => new(HttpHost, HttpPort, GrpcPort, GrpcCertificatePath, GrpcCertificatePassword);
}
