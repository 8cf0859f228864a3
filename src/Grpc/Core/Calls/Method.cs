using Google.Protobuf;

namespace PriceIngest.Grpc.Core;

/// <summary>
/// Describes one method of a service: its shape, its name on the wire and its marshallers. Servers
/// register handlers for it and clients call it, so both sides share one definition.
/// </summary>
public sealed class Method<TRequest, TResponse>
{
    public Method(MethodType type, string serviceName, string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = "/" + serviceName + "/" + name;
        RequestMarshaller = requestMarshaller ?? throw new ArgumentNullException(nameof(requestMarshaller));
        ResponseMarshaller = responseMarshaller ?? throw new ArgumentNullException(nameof(responseMarshaller));
    }

    public MethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. "grpc.health.v1.Health".</summary>
    public string ServiceName { get; }

    public string Name { get; }

    /// <summary>The HTTP/2 :path, "/package.Service/Method" (case-sensitive).</summary>
    public string FullName { get; }

    public Marshaller<TRequest> RequestMarshaller { get; }

    public Marshaller<TResponse> ResponseMarshaller { get; }

    public override string ToString() => FullName;
}

/// <summary>Shorthands for methods over protobuf messages.</summary>
public static class Method
{
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(
        MethodType type, string serviceName, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        new(type, serviceName, name, Marshallers.Protobuf(requestParser), Marshallers.Protobuf(responseParser));
}
