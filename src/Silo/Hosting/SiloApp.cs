using Microsoft.Extensions.Options;
using PriceIngest.Api.Hosting;
using PriceIngest.Api.Telemetry;
using PriceIngest.EmbeddedPostgres;
using PriceIngest.Grains.Hosting;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.SampleData;
using PriceIngest.Silo.LocalMode;

namespace PriceIngest.Silo.Hosting;

/// <summary>Builds the silo web application; shared by Program (local mode or cluster) and the tests.</summary>
public static class SiloApp
{
    /// <summary>The silo application over <paramref name="connectionString"/>.</summary>
    /// <param name="embedded">Local mode's own PostgreSQL, which the silo then watches and restarts if it dies.</param>
    /// <param name="configureServices">Services a host adds last (the tests: an in-memory span exporter).</param>
    public static WebApplication Build(
        string[] args, string connectionString, bool localMode, PostgresServer? embedded = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = SiloCommandLine.Normalize(args) });
        builder.Configuration.AddCommandLine(SiloCommandLine.Normalize(args), SiloCommandLine.Switches);
        builder.Configuration.AddPublicApiDefaults();
        builder.Services.AddOptions<SiloOptions>().Bind(builder.Configuration.GetSection(SiloOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();

        var listeners = new ApiListeners();
        builder.WebHost.ConfigureKestrel(kestrel => listeners.Declare(kestrel, silo.Endpoints));

        // Storage first: its hosted service migrates the database (Orleans's membership tables too)
        // before the Orleans silo, registered next, starts.
        builder.Services.AddPriceIngestSilo(builder.Configuration, connectionString);
        builder.AddOrleansSilo(silo, connectionString, localMode);
        builder.Services.AddPublicApi(builder.Configuration, listeners, silo.Endpoints);
        if (silo.Seed ?? localMode)
        {
            builder.Services.AddSingleton(new SampleDataOptions());
            builder.Services.AddHostedService<SampleDataSeeder>();
        }

        if (embedded is not null)
        {
            builder.Services.AddSingleton(embedded);
            builder.Services.AddHostedService<EmbeddedPostgresWatchdog>();
        }

        // Stopping takes the upload drain, then Orleans's own leave (deactivating every grain).
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<IngestOptions>>(
            (host, ingest) => host.ShutdownTimeout = ingest.Value.DrainTimeout + TimeSpan.FromSeconds(15));

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapPublicApi(listeners);
        app.MapOrleansDashboardPage();
        return app;
    }
}
