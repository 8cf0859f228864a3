using Microsoft.Extensions.Logging;

namespace PriceIngest.Grains.Membership;

internal static partial class MembershipLog
{
    [LoggerMessage(EventId = 2500, Level = LogLevel.Information, Message = "Silo {SiloId} registered at {Endpoint} and is active")]
    public static partial void Active(ILogger logger, Guid siloId, string endpoint);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Warning, Message = "Silo {SiloId} finds itself dead (heartbeat missed); reloading {Lanes} cached lanes and re-registering under a new identity")]
    public static partial void FoundDead(ILogger logger, Guid siloId, int lanes);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "Heartbeat of silo {SiloId} failed")]
    public static partial void HeartbeatFailed(ILogger logger, Guid siloId, Exception exception);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Information, Message = "Silo {SiloId} draining: {InFlight} calls in flight")]
    public static partial void Draining(ILogger logger, Guid siloId, int inFlight);

    [LoggerMessage(EventId = 2504, Level = LogLevel.Information, Message = "Silo {SiloId} drained in {ElapsedMs} ms ({InFlight} calls still in flight) and left the membership table")]
    public static partial void Drained(ILogger logger, Guid siloId, long elapsedMs, int inFlight);

    [LoggerMessage(EventId = 2505, Level = LogLevel.Warning, Message = "Silo {SiloId} could not update its membership row while stopping")]
    public static partial void LeaveFailed(ILogger logger, Guid siloId, Exception exception);

    [LoggerMessage(EventId = 2506, Level = LogLevel.Information, Message = "Marked {Count} silos with stale heartbeats dead")]
    public static partial void MarkedDead(ILogger logger, int count);
}
