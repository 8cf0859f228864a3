using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Client;

internal sealed class ClientResponseStreamReader<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
{
    public TResponse Current => call.CurrentResponse;

    public Task<bool> MoveNext(CancellationToken cancellationToken) => call.MoveNextResponseAsync(cancellationToken);
}
