using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PriceIngest.Api.Grpc;
using PriceIngest.Api.Hosting;
using PriceIngest.Api.Rest;
using PriceIngest.Contracts;
using PriceIngest.Grains.Hosting;
using PriceIngest.Grains.Membership;
using PriceIngest.Grains.SampleData;
using PriceIngest.Grpc.Server;
using PriceIngest.Silo.Cluster;

namespace PriceIngest.Silo.Hosting;

/// <summary>Builds the silo web application; shared by Program (local mode or cluster) and the tests.</summary>
public static class SiloApp
{
    public static WebApplication Build(string[] args, string connectionString, bool localMode)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = SiloCommandLine.Normalize(args) });
        builder.Configuration.AddCommandLine(SiloCommandLine.Normalize(args), SiloCommandLine.Switches);
        builder.Services.AddOptions<SiloOptions>().Bind(builder.Configuration.GetSection(SiloOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();

        var listeners = new ApiListeners();
        builder.Services.AddSingleton(listeners);
        builder.WebHost.ConfigureKestrel(kestrel => listeners.Declare(kestrel, silo.Endpoints));

        builder.Services.AddPriceIngestSilo(builder.Configuration, connectionString);
        builder.Services.AddPriceIngestRest(builder.Configuration);
        builder.Services.AddPriceIngestGrpc(builder.Configuration);
        builder.Services.AddPrometheusMetrics();

        // Cluster: membership (register, heartbeat, drain on SIGTERM) and the gateways' service.
        builder.Services.AddSiloMembership(builder.Configuration);
        builder.Services.AddSingleton<ISiloEndpoint, SiloEndpoint>();
        builder.Services.AddSingleton<SiloMetrics>();
        builder.Services.AddSingleton<SiloGrpcService>();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<MembershipOptions>>(
            (host, membership) => host.ShutdownTimeout = membership.Value.DrainTimeout + TimeSpan.FromSeconds(10));
        if (silo.Seed ?? localMode)
        {
            builder.Services.AddSingleton(new SampleDataOptions());
            builder.Services.AddHostedService<SampleDataSeeder>();
        }

        var app = builder.Build();
        app.Services.GetRequiredService<PrometheusMetrics>();
        app.UseInFlightCounting(app.Services.GetRequiredService<InFlightWork>());
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseListenerSeparation(listeners);

        // REST on the REST port, gRPC on the gRPC port (see ListenerSeparation).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPriceIngestRest();
        app.MapPrometheusMetrics();
        var grpc = app.MapPriceIngestGrpc();
        grpc.MapGrpcService<SiloGrpcService>(binder => binder
            .Unary(SiloMethods.SumLanes, service => service.SumLanes)
            .ClientStreaming(SiloMethods.Upload, service => service.Upload));
        grpc.WithMetadata(new ListenerSeparation.GrpcEndpoint());
        return app;
    }
}
