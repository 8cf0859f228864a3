using Microsoft.Extensions.Hosting;

namespace PriceIngest.Runtime;

/// <summary>Runs the activation collector while the host runs, and deactivates every grain when it stops.</summary>
internal sealed class GrainRuntimeHostedService(GrainRuntime runtime) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => runtime.Collector.RunAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop the collector first so it does not race the shutdown deactivations.
        await base.StopAsync(cancellationToken);
        await runtime.ShutdownAsync(cancellationToken);
    }
}
