using System.Net;
using System.Net.Http;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Client;

/// <summary>
/// A connection pool to one gRPC server and the entry point of client calls. Calls go over
/// HTTP/2: with prior knowledge for http:// (h2c), ALPN for https://. Create one per server and
/// share it; it is thread-safe.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly bool _ownsHandler;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        Providers = new CompressionProviders(options.CompressionProviders);
        _ownsHandler = options.HttpHandler is null;
        var handler = options.HttpHandler ?? CreateHandler(options);
        HttpClient = new HttpClient(handler, disposeHandler: _ownsHandler)
        {
            // Deadlines and cancellation are per call; a global timeout would cut long streams.
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    internal CompressionProviders Providers { get; }

    internal HttpClient HttpClient { get; }

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"A gRPC address is http:// or https://, not '{address}'.", nameof(address));
        }

        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    public AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
    {
        var call = new GrpcCall<TRequest, TResponse>(this, Expect(method, MethodType.Unary), options);
        call.StartWithRequest(request);
        return new AsyncUnaryCall<TResponse>(call.ReadSingleResponseAsync(), call);
    }

    public AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
    {
        var call = new GrpcCall<TRequest, TResponse>(this, Expect(method, MethodType.ClientStreaming), options);
        call.StartWithRequestStream();
        return new AsyncClientStreamingCall<TRequest, TResponse>(new ClientStreamWriter<TRequest, TResponse>(call), call.ReadSingleResponseAsync(), call);
    }

    public AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
    {
        var call = new GrpcCall<TRequest, TResponse>(this, Expect(method, MethodType.ServerStreaming), options);
        call.StartWithRequest(request);
        return new AsyncServerStreamingCall<TResponse>(new ClientResponseStreamReader<TRequest, TResponse>(call), call);
    }

    public AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
    {
        var call = new GrpcCall<TRequest, TResponse>(this, Expect(method, MethodType.DuplexStreaming), options);
        call.StartWithRequestStream();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            new ClientStreamWriter<TRequest, TResponse>(call), new ClientResponseStreamReader<TRequest, TResponse>(call), call);
    }

    public void Dispose() => HttpClient.Dispose();

    private static Method<TRequest, TResponse> Expect<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType type)
    {
        ArgumentNullException.ThrowIfNull(method);
        return method.Type == type ? method : throw new ArgumentException($"{method.FullName} is a {method.Type} method, not {type}.", nameof(method));
    }

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // One HTTP/2 connection caps concurrent streams (100 on Kestrel); more calls open more connections.
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.ConnectTimeout,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        };
        options.ConfigureHandler?.Invoke(handler);
        return handler;
    }
}
