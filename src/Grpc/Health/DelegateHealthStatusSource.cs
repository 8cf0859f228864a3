using PriceIngest.Grpc.Health.V1;

namespace PriceIngest.Grpc.Health;

/// <summary>
/// Statuses computed by a delegate (e.g. from a database check). A delegate cannot announce
/// changes, so watchers re-evaluate it every <paramref name="pollInterval"/>.
/// </summary>
public sealed class DelegateHealthStatusSource(
    Func<string, HealthCheckResponse.Types.ServingStatus?> getStatus, TimeSpan pollInterval) : IHealthStatusSource
{
    public HealthCheckResponse.Types.ServingStatus? GetStatus(string service) => getStatus(service);

    public Task WaitForChangeAsync(CancellationToken cancellationToken) => Task.Delay(pollInterval, cancellationToken);
}
