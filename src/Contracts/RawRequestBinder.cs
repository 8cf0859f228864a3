using Grpc.Core;
using PriceIngest.Contracts.V1;

namespace PriceIngest.Contracts;

/// <summary>
/// Wraps the binder a generated <c>BindService</c> is given and serves one client-streaming method
/// with <see cref="RawMessage"/> requests (same service, name and response marshaller): the
/// implementation's overload taking <c>IAsyncStreamReader&lt;RawMessage&gt;</c> answers it.
/// Every other method is bound as generated.
/// </summary>
public sealed class RawRequestBinder(ServiceBinderBase inner, string methodName) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Name == methodName)
        {
            inner.AddMethod(
                new Method<RawMessage, TResponse>(method.Type, method.ServiceName, method.Name, RawMessage.Marshaller, method.ResponseMarshaller),
                (ClientStreamingServerMethod<RawMessage, TResponse>?)null);
            return;
        }

        inner.AddMethod(method, handler);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method, handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method, handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method, handler);
}
