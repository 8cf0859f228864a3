using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PriceIngest.Grpc.Tests.Infrastructure;

/// <summary>
/// A readiness check (tagged "ready", as the product's database checks are) that a test switches:
/// the gRPC health statuses must follow it, through the product's health check mapping.
/// </summary>
public sealed class TestReadiness : IHealthCheck
{
    public const string Name = "test-readiness";

    private volatile bool _ready = true;

    public bool Ready
    {
        get => _ready;
        set => _ready = value;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off by the test"));
}
