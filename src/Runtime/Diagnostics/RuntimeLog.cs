using Microsoft.Extensions.Logging;

namespace PriceIngest.Runtime;

/// <summary>Log messages of the grain runtime. Event ids 1000-1099 are reserved for it; never renumber them.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Error,
        Message = "Activation of grain {GrainId} failed; the calls waiting for it fail with this exception and the next call retries")]
    public static partial void ActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error,
        Message = "OnDeactivateAsync of grain {GrainId} ({Reason}) failed; the activation is discarded anyway")]
    public static partial void DeactivationFailed(ILogger logger, Exception exception, GrainId grainId, DeactivationReason reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "OnDeactivateAsync of grain {GrainId} ({Reason}) did not finish within {Timeout}; the activation is discarded without waiting further")]
    public static partial void DeactivationTimedOut(ILogger logger, GrainId grainId, DeactivationReason reason, TimeSpan timeout);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Idle collection is deactivating {Count} grains")]
    public static partial void IdleCollectionRan(ILogger logger, int count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information,
        Message = "{Live} activations exceed the cap of {MaxActiveGrains}; deactivating {Evicted} least recently used idle grains ({Shortfall} short of the target because the rest are busy)")]
    public static partial void CapacityCollectionRan(ILogger logger, int live, int maxActiveGrains, int evicted, int shortfall);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Grain collection failed; it runs again at the next interval")]
    public static partial void CollectorFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Deactivating {Count} grains for shutdown")]
    public static partial void ShutdownStarted(ILogger logger, int count);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning,
        Message = "{Remaining} grains had not finished deactivating when shutdown gave up after {Timeout}")]
    public static partial void ShutdownIncomplete(ILogger logger, int remaining, TimeSpan timeout);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Disposing the service scope of grain {GrainId} failed")]
    public static partial void ScopeDisposalFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Trace, Message = "Grain {GrainId} activated")]
    public static partial void Activated(ILogger logger, GrainId grainId);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Trace, Message = "Grain {GrainId} deactivated ({Reason})")]
    public static partial void Deactivated(ILogger logger, GrainId grainId, DeactivationReason reason);
}
