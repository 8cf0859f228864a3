using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PriceIngest.Contracts;
using PriceIngest.Grpc.Health;
using ServingStatus = PriceIngest.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// <c>grpc.health.v1.Health</c> statuses from the silo's readiness (the ASP.NET health checks
/// tagged "ready": schema migrated, PostgreSQL answering), polled in the background so that Check
/// never waits on the database and Watch hears of each change. The server ("") and both public
/// services share one status; NOT_SERVING until the first check passes and once the silo stops.
/// </summary>
internal sealed class ReadinessHealthSource(HealthCheckService checks, IOptions<GrpcApiOptions> options, ILogger<ReadinessHealthSource> logger)
    : BackgroundService, IHealthStatusSource
{
    private int _status = (int)ServingStatus.NotServing;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServingStatus? GetStatus(string service) =>
        service is "" or IngestMethods.ServiceName or PriceMethods.ServiceName ? (ServingStatus)Volatile.Read(ref _status) : null;

    public Task WaitForChangeAsync(CancellationToken cancellationToken) => Volatile.Read(ref _changed).Task.WaitAsync(cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Set(ServingStatus.NotServing);
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HealthPollInterval);
        try
        {
            do
            {
                await RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var report = await checks.CheckHealthAsync(check => check.Tags.Contains("ready"), cancellationToken);
            Set(report.Status == HealthStatus.Healthy ? ServingStatus.Serving : ServingStatus.NotServing);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GrpcApiLog.ReadinessCheckFailed(logger, e);
            Set(ServingStatus.NotServing);
        }
    }

    private void Set(ServingStatus status)
    {
        if (Interlocked.Exchange(ref _status, (int)status) != (int)status)
        {
            GrpcApiLog.ReadinessChanged(logger, status == ServingStatus.Serving ? "SERVING" : "NOT_SERVING");
            Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}
