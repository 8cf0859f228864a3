using System.Collections.Concurrent;
using PriceIngest.Grpc.Health.V1;

namespace PriceIngest.Grpc.Health;

/// <summary>
/// Statuses the host sets (e.g. NOT_SERVING while draining for a deploy); watchers hear of each
/// change at once. The whole server ("") starts SERVING.
/// </summary>
public sealed class HealthStatusRegistry : IHealthStatusSource
{
    private readonly ConcurrentDictionary<string, HealthCheckResponse.Types.ServingStatus> _statuses = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HealthStatusRegistry()
    {
        _statuses[string.Empty] = HealthCheckResponse.Types.ServingStatus.Serving;
    }

    public HealthCheckResponse.Types.ServingStatus? GetStatus(string service) =>
        _statuses.TryGetValue(service, out var status) ? status : null;

    public void SetStatus(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        _statuses[service] = status;
        SignalChange();
    }

    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (_statuses.TryRemove(service, out _))
        {
            SignalChange();
        }
    }

    public Task WaitForChangeAsync(CancellationToken cancellationToken) => Volatile.Read(ref _changed).Task.WaitAsync(cancellationToken);

    private void SignalChange() =>
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
