using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PriceIngest.Api.Hosting;

/// <summary>
/// The two Kestrel endpoints of a silo or a gateway: REST (HTTP/1.1) and gRPC (HTTP/2 only, h2c or TLS). Their
/// listen options are captured as they are declared, so that the ports they are bound to (also
/// when 0 picked a free one) are known once the server has started.
/// </summary>
public sealed class ApiListeners
{
    private ListenOptions? _rest;
    private ListenOptions? _grpc;

    /// <summary>The bound gRPC port (after start), or -1.</summary>
    public int GrpcPort => _grpc?.IPEndPoint?.Port ?? -1;

    /// <summary>Where REST answers, e.g. "http://127.0.0.1:5080" ("https" with a certificate; after start).</summary>
    public string RestAddress => Address(_rest, RestTls ? "https" : "http");

    public bool RestTls { get; private set; }

    /// <summary>Where gRPC answers, e.g. "http://127.0.0.1:5081" ("https" with a certificate; after start).</summary>
    public string GrpcAddress => Address(_grpc, GrpcTls ? "https" : "http");

    public bool GrpcTls { get; private set; }

    public void Declare(KestrelServerOptions kestrel, ApiEndpointSettings silo)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(silo);
        var address = silo.BeyondLoopback ? IPAddress.Any : IPAddress.Loopback;
        ListenOptions? declared = null;
        kestrel.ConfigureEndpointDefaults(listen => declared = listen);

        RestTls = !string.IsNullOrEmpty(silo.HttpCertificatePath);
        kestrel.Listen(address, silo.HttpPort, listen =>
        {
            if (RestTls)
            {
                listen.UseHttps(silo.HttpCertificatePath!, silo.HttpCertificatePassword);
            }
        });
        _rest = declared;

        // gRPC without TLS must be HTTP/2 only: clients connect with prior knowledge (h2c), which an
        // Http1AndHttp2 endpoint without TLS would answer as HTTP/1.1. With a certificate, ALPN
        // negotiates h2 (HTTP/1.1 stays possible, so a browser gets a readable answer).
        GrpcTls = !string.IsNullOrEmpty(silo.GrpcCertificatePath);
        kestrel.Listen(address, silo.GrpcPort, listen =>
        {
            if (GrpcTls)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(silo.GrpcCertificatePath!, silo.GrpcCertificatePassword);
            }
            else
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        });
        _grpc = declared;
        kestrel.ConfigureEndpointDefaults(_ => { });
    }

    private static string Address(ListenOptions? listen, string scheme) => listen?.IPEndPoint is { } endpoint
        ? $"{scheme}://{(endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : endpoint.Address)}:{endpoint.Port}"
        : string.Empty;
}

/// <summary>Where the two APIs listen: host ("localhost" or "*"), ports (0: a free one), optional TLS for each.</summary>
public sealed record ApiEndpointSettings(
    string HttpHost, int HttpPort, int GrpcPort, string? GrpcCertificatePath, string? GrpcCertificatePassword,
    string? HttpCertificatePath = null, string? HttpCertificatePassword = null)
{
    /// <summary>True when the APIs listen on every interface ("*" or "0.0.0.0"), not only loopback.</summary>
    public bool BeyondLoopback => HttpHost is "*" or "0.0.0.0";
}
