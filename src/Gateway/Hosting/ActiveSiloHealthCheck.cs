using Microsoft.Extensions.Diagnostics.HealthChecks;
using PriceIngest.Gateway.Membership;

namespace PriceIngest.Gateway.Hosting;

/// <summary>A gateway is ready when at least one silo is active: without one it can only answer 503.</summary>
internal sealed class ActiveSiloHealthCheck(SiloDirectory directory) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(directory.View.Active.Length > 0
            ? HealthCheckResult.Healthy($"{directory.View.Active.Length} active silos")
            : HealthCheckResult.Unhealthy("no silo is active"));
}
