using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// NOT_SERVING at once when the host starts stopping, without waiting for the next readiness
/// report (the "running" check then keeps it so in later reports).
/// </summary>
internal sealed class GrpcHealthStatuses(HealthServiceImpl health, IHostApplicationLifetime lifetime, ILogger<GrpcHealthStatuses> logger) : IHostedService
{
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(() =>
        {
            SetAll(HealthCheckResponse.Types.ServingStatus.NotServing);
            GrpcApiLog.ReadinessChanged(logger, "NOT_SERVING (stopping)");
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _stopping.DisposeAsync().AsTask();

    private void SetAll(HealthCheckResponse.Types.ServingStatus status)
    {
        foreach (var name in GrpcApi.HealthServiceNames)
        {
            health.SetStatus(name, status);
        }
    }
}
