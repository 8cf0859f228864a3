using PriceIngest.Api.Hosting;
using PriceIngest.Gateway.Membership;
using PriceIngest.Gateway.Routing;
using PriceIngest.Grains.Hosting;
using PriceIngest.Grains.Membership;
using PriceIngest.Grains.Services;

namespace PriceIngest.Gateway.Hosting;

/// <summary>Builds the gateway web application; shared by Program and the tests.</summary>
public static class GatewayApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddCommandLine(args, GatewayCommandLine.Switches);
        builder.Configuration.AddPublicApiDefaults();
        var connectionString = builder.Configuration.GetConnectionString("Prices");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "a gateway needs the cluster's PostgreSQL: set ConnectionStrings__Prices or pass --connection-string (local mode is the silo alone)");
        }

        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var gateway = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var listeners = new ApiListeners();
        builder.WebHost.ConfigureKestrel(kestrel => listeners.Declare(kestrel, gateway.Endpoints));

        builder.Services.AddPriceIngestGateway(builder.Configuration, connectionString);
        builder.Services.AddPublicApi(builder.Configuration, listeners);

        var app = builder.Build();
        app.MapPublicApi(listeners);
        return app;
    }

    /// <summary>
    /// Storage (migrations, reference data and its writer), the membership view, and the routing
    /// implementations of the read and write services the public APIs call.
    /// </summary>
    public static IServiceCollection AddPriceIngestGateway(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddPriceIngestStorage(configuration, connectionString);
        services.AddMembershipTable(configuration);
        services.AddSingleton<SiloDirectory>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloDirectory>());
        services.AddSingleton<SiloChannels>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<IRatesService, ClusterRatesService>();
        services.AddSingleton<IIngestService, ClusterIngestService>();
        services.AddHealthChecks().AddCheck<ActiveSiloHealthCheck>("silos", tags: ["ready"]);
        return services;
    }
}
