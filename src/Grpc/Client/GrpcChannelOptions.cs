using System.Net.Http;
using PriceIngest.Grpc.Compression;

namespace PriceIngest.Grpc.Client;

/// <summary>Settings of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted, compressed or not; null for no limit. gRPC's default is 4 MiB.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent; null (gRPC's default) for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>The encodings the client can read and write.</summary>
    public IList<ICompressionProvider> CompressionProviders { get; } = [new GzipCompressionProvider(), new DeflateCompressionProvider()];

    /// <summary>How long connecting may take before calls fail with UNAVAILABLE.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// HTTP/2 PING interval on an idle connection, so that a dead peer is noticed (calls then fail
    /// with UNAVAILABLE) instead of leaving streaming calls waiting forever.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Adjusts the handler the channel builds (TLS validation, client certificates, proxies).</summary>
    public Action<SocketsHttpHandler>? ConfigureHandler { get; set; }

    /// <summary>Use this handler instead of building one; the channel does not dispose it.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
