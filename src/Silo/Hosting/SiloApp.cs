using Microsoft.Extensions.Options;
using PriceIngest.Api.Hosting;
using PriceIngest.Grains.Hosting;
using PriceIngest.Grains.Membership;
using PriceIngest.Grains.SampleData;
using PriceIngest.Silo.Cluster;

namespace PriceIngest.Silo.Hosting;

/// <summary>Builds the silo web application; shared by Program (local mode or cluster) and the tests.</summary>
public static class SiloApp
{
    public static WebApplication Build(string[] args, string connectionString, bool localMode)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = SiloCommandLine.Normalize(args) });
        builder.Configuration.AddCommandLine(SiloCommandLine.Normalize(args), SiloCommandLine.Switches);
        builder.Configuration.AddPublicApiDefaults();
        if (localMode)
        {
            // No gateway to wait for: Ctrl+C stops at once (in-flight calls still finish).
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
            {
                InitialData = [new($"{MembershipOptions.Section}:{nameof(MembershipOptions.DrainGrace)}", "00:00:00")],
            });
        }
        builder.Services.AddOptions<SiloOptions>().Bind(builder.Configuration.GetSection(SiloOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();

        var listeners = new ApiListeners();
        builder.WebHost.ConfigureKestrel(kestrel => listeners.Declare(kestrel, silo.Endpoints));

        // Storage first: its hosted service migrates the database (Orleans's membership tables too)
        // before the Orleans silo, registered next, starts.
        builder.Services.AddPriceIngestSilo(builder.Configuration, connectionString);
        builder.AddOrleansSilo(silo, connectionString, localMode);
        builder.Services.AddPublicApi(builder.Configuration, listeners);
        if (silo.Seed ?? localMode)
        {
            builder.Services.AddSingleton(new SampleDataOptions());
            builder.Services.AddHostedService<SampleDataSeeder>();
        }

        // Cluster: membership (register, heartbeat, drain on SIGTERM) and the gateways' service.
        builder.Services.AddSiloMembership(builder.Configuration);
        builder.Services.AddSingleton<ISiloEndpoint, SiloEndpoint>();
        builder.Services.AddSingleton<SiloMetrics>();
        builder.Services.AddSingleton<SiloGrpcService>();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<MembershipOptions>>(
            (host, membership) => host.ShutdownTimeout = membership.Value.DrainTimeout + TimeSpan.FromSeconds(10));

        var app = builder.Build();
        app.UseInFlightCounting(app.Services.GetRequiredService<InFlightWork>());
        app.MapPublicApi(listeners).MapGrpcService<SiloGrpcService>();
        return app;
    }
}
