using Microsoft.Extensions.Diagnostics.HealthChecks;
using PriceIngest.Grains.Rates;

namespace PriceIngest.Grains.Hosting;

/// <summary>
/// Degraded while the silo's cold-read warm-up runs (at most 3 s after start): the silo serves, but
/// its first cold reads may still run on code the runtime has not optimised. Healthy once it ends,
/// also when it failed (it logged why) or had no lane to warm up on.
/// </summary>
internal sealed class WarmUpHealthCheck(ReadPathWarmUp warmUp) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmUp.ExecuteTask is { IsCompleted: true }
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded("warming up the cold-read path"));
}
