using Microsoft.Extensions.Hosting;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Coherence;
using PriceIngest.Grains.Rates;

namespace PriceIngest.Grains.Hosting;

/// <summary>
/// Creates the silo's instruments at start-up rather than at their first use, so that a scrape
/// shows every series of the product (at zero) from the first second: alerts and dashboards then
/// never see a series appear out of nothing.
/// </summary>
internal sealed class SiloInstruments(IngestMetrics ingest, LookupMetrics lookups, CommitFeedMetrics feed) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive((ingest, lookups, feed));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
