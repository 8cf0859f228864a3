using System.Diagnostics;
using PriceIngest.EmbeddedPostgres;
using PriceIngest.Grains.Storage;

namespace PriceIngest.Silo.LocalMode;

/// <summary>
/// Local mode starts its own PostgreSQL, so it also brings it back: checked every second, a dead
/// server (killed, crashed, out of memory) is started again on its folder and port. Meanwhile calls
/// that need it answer 503 and warm lookups keep answering; readiness recovers by itself.
/// </summary>
internal sealed partial class EmbeddedPostgresWatchdog(PostgresServer server, DatabasePools pools, ILogger<EmbeddedPostgresWatchdog> logger) : BackgroundService
{
    // Reading a pid file and /proc once a second costs nothing; a restart takes about a second.
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = CheckInterval;
        while (true)
        {
            try
            {
                await Task.Delay(delay, stoppingToken);
                if (server.IsRunning)
                {
                    delay = CheckInterval;
                    continue;
                }

                LogDied(logger, server.DataDirectory);
                var clock = Stopwatch.StartNew();
                if (await server.RestartIfDeadAsync(stoppingToken))
                {
                    pools.Clear();
                    LogRestarted(logger, server.Port, clock.ElapsedMilliseconds);
                }

                delay = CheckInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (PostgresServerException e)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                LogRestartFailed(logger, delay.TotalSeconds, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 1130, EventName = "EmbeddedPostgresDied", Level = LogLevel.Warning,
        Message = "Local mode's PostgreSQL in {DataDirectory} is not running; starting it again")]
    private static partial void LogDied(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 1131, EventName = "EmbeddedPostgresRestarted", Level = LogLevel.Information,
        Message = "Local mode's PostgreSQL is back on 127.0.0.1:{Port} after {ElapsedMs} ms")]
    private static partial void LogRestarted(ILogger logger, int port, long elapsedMs);

    [LoggerMessage(EventId = 1132, EventName = "EmbeddedPostgresRestartFailed", Level = LogLevel.Error,
        Message = "Local mode's PostgreSQL did not start again (next attempt in {DelaySeconds} s): {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, double delaySeconds, string reason);
}
