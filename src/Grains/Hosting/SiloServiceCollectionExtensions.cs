using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Coherence;
using PriceIngest.Grains.Compaction;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.Rates;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;
using PriceIngest.Grains.Storage;

namespace PriceIngest.Grains.Hosting;

public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// Everything a silo runs: storage (migrations, reference data), what the batch and lane
    /// grains use, the commit feed, and the local read and write services.
    /// Hosted services start in registration order: storage first.
    /// </summary>
    public static IServiceCollection AddPriceIngestSilo(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddPriceIngestStorage(configuration, connectionString);
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CommitFeedOptions>().Bind(configuration.GetSection(CommitFeedOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(sp => UploadConnections.Create(
            connectionString, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IngestOptions>>().Value.MaxConcurrentUploads));
        services.AddSingleton(sp => new DatabasePools(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), sp.GetRequiredService<UploadConnections>()));
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<LookupMetrics>();
        services.AddSingleton<UploadsInProgress>();
        services.AddOptions<ExchangeRates.ExchangeRatesOptions>().Bind(configuration.GetSection(ExchangeRates.ExchangeRatesOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ExchangeRates.ExchangeRateFetcher>();

        services.AddSingleton<LaneDirectory>();
        services.AddSingleton<LaneSnapshots>();
        services.AddSingleton<LaneLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<LaneLoader>());
        services.AddSingleton<CommitFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<CommitFeed>());

        // After the feed's start, which loads the lane directory it samples.
        services.AddSingleton<ReadPathWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<ReadPathWarmUp>());
        services.AddHealthChecks().AddCheck<WarmUpHealthCheck>("warm-up", tags: ["ready"]);
        services.AddSingleton<CommitFeedMetrics>();
        services.AddHostedService<SiloInstruments>();
        services.AddOptions<DatabaseStatsOptions>().Bind(configuration.GetSection(DatabaseStatsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<DatabaseStats>();

        services.AddOptions<SegmentMergeOptions>().Bind(configuration.GetSection(SegmentMergeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SegmentMerger>();
        services.AddHostedService(sp => sp.GetRequiredService<SegmentMerger>());
        services.AddSingleton<SegmentIndexer>();
        services.AddHostedService(sp => sp.GetRequiredService<SegmentIndexer>());

        services.AddSingleton<LaneSummer>();
        services.AddSingleton<IRatesService, ClusterRates>();
        services.AddSingleton<IIngestService, LocalIngestService>();

        return services;
    }

    /// <summary>
    /// What silos and gateways both need: the data source, migrations applied at start-up (the
    /// first hosted service), the reference data cache and its writer, read limits, readiness.
    /// </summary>
    public static IServiceCollection AddPriceIngestStorage(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "prices" }.Build());
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddOptions<RatesOptions>().Bind(configuration.GetSection(RatesOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Migrator>();
        services.AddSingleton<ReferenceDataCache>();
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        services.AddSingleton<IReferenceDataService, ReferenceDataService>();
        services.AddSingleton<ExchangeRates.ExchangeRatesStore>();
        services.AddSingleton<IExchangeRatesService>(sp => sp.GetRequiredService<ExchangeRates.ExchangeRatesStore>());
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }
}
