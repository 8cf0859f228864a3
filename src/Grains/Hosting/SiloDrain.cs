using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Grains.Hosting;

/// <summary>
/// A stopping silo lets its uploads finish. It runs as Orleans stops the silo, after Orleans told
/// clients (gateways) to stop sending through this silo and while it marks the silo as shutting
/// down, and before it deactivates the grains: new uploads are refused (the caller retries on
/// another silo), open ones get up to <see cref="IngestOptions.DrainTimeout"/> to commit.
/// </summary>
internal sealed partial class SiloDrain(UploadsInProgress uploads, IOptions<IngestOptions> options, ILogger<SiloDrain> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDrain), ServiceLifecycleStage.BecomeActive, _ => Task.CompletedTask, DrainAsync);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        uploads.BeginDrain();
        var open = uploads.Count;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.DrainTimeout);
        try
        {
            await uploads.WaitIdleAsync(timeout.Token);
            LogDrained(logger, open, clock.ElapsedMilliseconds);
        }
        catch (OperationCanceledException)
        {
            // What is still open is aborted as its grain deactivates; nothing of it was written.
            LogDrainTimedOut(logger, uploads.Count, clock.ElapsedMilliseconds);
        }
    }

    [LoggerMessage(EventId = 2420, Level = LogLevel.Information, Message = "Silo stopping: {Open} open uploads finished in {Milliseconds} ms")]
    private static partial void LogDrained(ILogger logger, int open, long milliseconds);

    [LoggerMessage(EventId = 2421, Level = LogLevel.Warning, Message = "Silo stopping: {Open} uploads still open after {Milliseconds} ms are aborted")]
    private static partial void LogDrainTimedOut(ILogger logger, int open, long milliseconds);
}
