using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace PriceIngest.Gateway.Hosting;

/// <summary>Ready means: the Orleans client reaches the cluster, and it has at least one active silo.</summary>
internal sealed class ClusterHealthCheck(IClusterClient cluster) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var silos = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken).WaitAsync(Timeout, cancellationToken);
            return silos.Count > 0
                ? HealthCheckResult.Healthy($"{silos.Count} active silos")
                : HealthCheckResult.Unhealthy("no silo is active");
        }
        catch (ArgumentException)
        {
            // Orleans resolves the management grain from the cluster's manifest, which a client
            // starting up has not received yet: the same as not connected, not an error to log.
            return HealthCheckResult.Unhealthy("not connected to the cluster yet");
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("the cluster is unreachable", e);
        }
    }
}
