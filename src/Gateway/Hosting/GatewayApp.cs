using Orleans.Dashboard;
using PriceIngest.Api.Hosting;
using PriceIngest.Api.Telemetry;
using PriceIngest.Gateway.Routing;
using PriceIngest.Grains.Services;

namespace PriceIngest.Gateway.Hosting;

/// <summary>Builds the gateway web application; shared by Program and the tests.</summary>
public static class GatewayApp
{
    /// <param name="configureServices">Services a host adds last (the tests: an in-memory span exporter).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddCommandLine(args, GatewayCommandLine.Switches);
        builder.Configuration.AddPublicApiDefaults();
        var connectionString = builder.Configuration.GetConnectionString("Prices");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StartupRefusedException(
                "a gateway needs the cluster's PostgreSQL: set ConnectionStrings__Prices or pass --connection-string (local mode is the silo alone)");
        }

        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var gateway = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var listeners = new ApiListeners();
        builder.WebHost.ConfigureKestrel(kestrel => listeners.Declare(kestrel, gateway.Endpoints));

        // The Orleans client's start waits until a silo answers; the APIs listen meanwhile (and answer
        // 503, unready) instead of waiting with it.
        builder.Services.Configure<HostOptions>(host => host.ServicesStartConcurrently = true);

        builder.AddPriceIngestGateway(connectionString);
        builder.Services.AddPublicApi(builder.Configuration, listeners, gateway.Endpoints);

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapPublicApi(listeners);
        app.MapOrleansDashboardPage();
        return app;
    }

    /// <summary>
    /// The Orleans client (gateways from the ADO.NET membership table of the prices database), the
    /// gateway's retry policy, and the implementations of the read and write services the public
    /// APIs call, each a call into the cluster.
    /// </summary>
    public static IServiceCollection AddPriceIngestGateway(this WebApplicationBuilder builder, string connectionString)
    {
        var services = builder.Services;
        services.AddClusterOptions(builder.Configuration);
        services.AddOptions<Orleans.Configuration.ClientMessagingOptions>().Bind(builder.Configuration.GetSection($"{ClusterConfiguration.Section}:Messaging"));

        // A silo that joins is used within seconds, not after Orleans's default minute.
        services.AddOptions<Orleans.Configuration.GatewayOptions>()
            .Configure(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5))
            .Bind(builder.Configuration.GetSection($"{ClusterConfiguration.Section}:Gateways"));
        var tls = ClusterTls.Load(builder.Configuration);
        builder.UseOrleansClient(client =>
        {
            if (tls is not null)
            {
                client.UseTls(options => ClusterTls.Configure(options, tls));
            }

            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            client.UseConnectionRetryFilter<ClusterConnectionRetry>();

            // Grain calls carry the request's trace into the silos (see the silo's hosting).
            client.AddActivityPropagation();

            // The dashboard's page on a gateway too; its data comes from the silos' dashboard grains.
            if (TelemetryOptions.From(builder.Configuration).Dashboard)
            {
                client.AddDashboard(dashboard => dashboard.HideTrace = true);
            }
        });

        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<ClusterCalls>();
        services.AddSingleton<IRatesService, ClusterRatesService>();
        services.AddSingleton<IIngestService, ClusterIngestService>();
        services.AddSingleton<IReferenceDataService, ClusterReferenceData>();
        services.AddSingleton<IExchangeRatesService, ClusterExchangeRates>();
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return services;
    }
}
