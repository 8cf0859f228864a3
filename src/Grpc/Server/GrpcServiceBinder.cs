using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Server;

/// <summary>
/// Collects a service's methods for <c>MapGrpcService</c>. Each handler is picked from a service
/// instance that DI resolves per call (or creates, if the type is not registered):
/// <code>binder.Unary(EchoMethods.Unary, service => service.UnaryAsync);</code>
/// </summary>
public sealed class GrpcServiceBinder<TService>
    where TService : class
{
    private readonly GrpcServerOptions _options;
    private readonly CompressionProviders _providers;
    private readonly ILogger _logger;
    private readonly List<(string Path, string ServiceName, RequestDelegate Handler)> _methods = [];

    internal GrpcServiceBinder(GrpcServerOptions options, CompressionProviders providers, ILogger logger)
    {
        _options = options;
        _providers = providers;
        _logger = logger;
    }

    internal IReadOnlyList<(string Path, string ServiceName, RequestDelegate Handler)> Methods => _methods;

    public GrpcServiceBinder<TService> Unary<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, UnaryServerMethod<TRequest, TResponse>> handler) =>
        Add(method, MethodType.Unary, new UnaryCallHandler<TService, TRequest, TResponse>(method, handler, _options, _providers, _logger).HandleAsync);

    public GrpcServiceBinder<TService> ClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, ClientStreamingServerMethod<TRequest, TResponse>> handler) =>
        Add(method, MethodType.ClientStreaming, new ClientStreamingCallHandler<TService, TRequest, TResponse>(method, handler, _options, _providers, _logger).HandleAsync);

    public GrpcServiceBinder<TService> ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, ServerStreamingServerMethod<TRequest, TResponse>> handler) =>
        Add(method, MethodType.ServerStreaming, new ServerStreamingCallHandler<TService, TRequest, TResponse>(method, handler, _options, _providers, _logger).HandleAsync);

    public GrpcServiceBinder<TService> DuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, DuplexStreamingServerMethod<TRequest, TResponse>> handler) =>
        Add(method, MethodType.DuplexStreaming, new DuplexStreamingCallHandler<TService, TRequest, TResponse>(method, handler, _options, _providers, _logger).HandleAsync);

    private GrpcServiceBinder<TService> Add<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, RequestDelegate handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is a {method.Type} method, not {expected}.", nameof(method));
        }

        if (_methods.Exists(m => m.Path == method.FullName))
        {
            throw new ArgumentException($"{method.FullName} is bound twice.", nameof(method));
        }

        _methods.Add((method.FullName, method.ServiceName, handler));
        return this;
    }
}
