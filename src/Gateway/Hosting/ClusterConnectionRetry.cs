using Orleans;

namespace PriceIngest.Gateway.Hosting;

/// <summary>
/// A gateway started before any silo (or while all are restarting) keeps trying to connect, every
/// second, instead of failing its start: it answers 503 and reports unready meanwhile.
/// </summary>
internal sealed partial class ClusterConnectionRetry(ILogger<ClusterConnectionRetry> logger) : IClientConnectionRetryFilter
{
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (++_attempts % 10 == 1)
        {
            LogNoCluster(logger, _attempts, exception.Message);
        }

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return !cancellationToken.IsCancellationRequested;
    }

    [LoggerMessage(EventId = 3200, Level = LogLevel.Warning, Message = "No silo reachable yet (attempt {Attempt}: {Reason}); retrying every second")]
    private static partial void LogNoCluster(ILogger logger, int attempt, string reason);
}
