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

    /// <summary>A PFX (or PEM) certificate file: with it the REST port speaks HTTPS only. Default none (plain HTTP).</summary>
    public string? HttpCertificatePath { get; set; }

    /// <summary>The password of <see cref="HttpCertificatePath"/>, if it has one.</summary>
    public string? HttpCertificatePassword { get; set; }

    /// <summary>A PFX (or PEM) certificate: with it the public gRPC port speaks TLS. Default none.</summary>
    public string? GrpcCertificatePath { get; set; }

    /// <summary>The password of <see cref="GrpcCertificatePath"/>, if any.</summary>
    public string? GrpcCertificatePassword { get; set; }

    /// <summary>
    /// Attempts per call into the cluster, the first included: a lookup, a batch read, a reference
    /// data upload, or an upload the gateway can still replay that meets a silo going away (stopped,
    /// dead, unreachable, or not answering within Orleans's response timeout) is tried again. Default 6.
    /// </summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>
    /// The wait before the first retry; each next one doubles it (with jitter, at most 2 s), so
    /// the default 6 attempts span about 3 s: longer than Orleans takes to declare a killed silo
    /// dead (Cluster:Membership). Default 100 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// An upload is kept in memory up to this many items so that it can be sent again under the
    /// same id if its silo goes away before the outcome; a longer upload that loses its silo is answered
    /// UNAVAILABLE (the client resends it with the same batch id: exactly once). Default 65,536.
    /// </summary>
    [Range(0, 10_000_000)]
    public int ReplayItems { get; set; } = 65_536;

    /// <summary>
    /// How long a re-sent upload waits for its batch id while the gateway's own interrupted attempt
    /// still holds it (on a stopping silo that the retry did not reach). That attempt is aborted
    /// within the silo's Ingest:DrainIdleTimeout (default 3 s) of its last item; past this wait the
    /// client is answered ALREADY_EXISTS / 409 "already being uploaded". Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ResendWait { get; set; } = TimeSpan.FromSeconds(10);

    public ApiEndpointSettings Endpoints => new(HttpHost, HttpPort, GrpcPort, GrpcCertificatePath, GrpcCertificatePassword, HttpCertificatePath, HttpCertificatePassword);
}
