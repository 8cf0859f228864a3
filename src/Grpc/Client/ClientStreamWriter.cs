using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Client;

internal sealed class ClientStreamWriter<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IClientStreamWriter<TRequest>
{
    public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteRequestAsync(message, cancellationToken);
    }

    public Task CompleteAsync() => call.CompleteRequestAsync();
}
