using Microsoft.Extensions.Hosting;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Storage;

namespace PriceIngest.Grains.Hosting;

/// <summary>
/// First hosted service of a silo: migrates the schema and loads reference data before anything
/// else starts, so the silo never serves against an old schema or empty caches.
/// </summary>
internal sealed class StorageInitializer(Migrator migrator, ReferenceDataCache reference) : IHostedService
{
    public bool IsReady { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        await reference.ReloadAsync(cancellationToken);
        IsReady = true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
