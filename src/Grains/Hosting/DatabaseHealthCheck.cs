using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace PriceIngest.Grains.Hosting;

/// <summary>
/// Ready means: the schema is migrated and PostgreSQL answers a query now. Once migrated, a
/// database that does not answer (down, or a failover with no primary yet) is Degraded, not
/// Unhealthy: warm lookups still answer from memory, so load balancers keep the silo while writes
/// answer 503 with Retry-After.
/// </summary>
internal sealed class DatabaseHealthCheck(StorageInitializer storage, NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!storage.IsReady)
        {
            return HealthCheckResult.Unhealthy("the schema is not migrated yet");
        }

        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException e)
        {
            return HealthCheckResult.Degraded("PostgreSQL is unreachable: warm lookups answer, writes do not", e);
        }
    }
}
