using PriceIngest.Grpc.Health.V1;

namespace PriceIngest.Grpc.Health;

/// <summary>Where the health service reads serving statuses from; the host decides what they are.</summary>
public interface IHealthStatusSource
{
    /// <summary>The status of a service ("" is the whole server), or null if it is unknown.</summary>
    HealthCheckResponse.Types.ServingStatus? GetStatus(string service);

    /// <summary>Completes when a status may have changed; Watch then reads the statuses again.</summary>
    Task WaitForChangeAsync(CancellationToken cancellationToken);
}
