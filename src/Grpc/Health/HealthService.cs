using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Health.V1;

namespace PriceIngest.Grpc.Health;

/// <summary>The standard health service over an <see cref="IHealthStatusSource"/>.</summary>
public sealed class HealthService(IHealthStatusSource source)
{
    public Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var status = source.GetStatus(request.Service)
            ?? throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    /// <summary>Sends the status now, then each change, until the client goes away.</summary>
    public async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        HealthCheckResponse.Types.ServingStatus? sent = null;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            // Subscribe before reading, so that a change between the read and the wait is not missed.
            var changed = source.WaitForChangeAsync(context.CancellationToken);
            var current = source.GetStatus(request.Service) ?? HealthCheckResponse.Types.ServingStatus.ServiceUnknown;
            if (current != sent)
            {
                await responseStream.WriteAsync(new HealthCheckResponse { Status = current }, context.CancellationToken);
                sent = current;
            }

            try
            {
                await changed;
            }
            catch (OperationCanceledException)
            {
                // The watcher left (or its deadline passed): a normal end of a watch.
                return;
            }
        }
    }
}
