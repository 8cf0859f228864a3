using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using PriceIngest.Api.Grpc;
using PriceIngest.Api.Rest;
using PriceIngest.Grains.Hosting;
using PriceIngest.Grains.SampleData;

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
        builder.WebHost.ConfigureKestrel(kestrel => listeners.Declare(kestrel, silo));

        builder.Services.AddPriceIngestSilo(builder.Configuration, connectionString);
        builder.Services.AddPriceIngestRest(builder.Configuration);
        builder.Services.AddPriceIngestGrpc(builder.Configuration);
        if (silo.Seed ?? localMode)
        {
            builder.Services.AddSingleton(new SampleDataOptions());
            builder.Services.AddHostedService<SampleDataSeeder>();
        }

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseListenerSeparation(listeners);

        // REST on the REST port, gRPC on the gRPC port (see ListenerSeparation).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPriceIngestRest();
        app.MapPriceIngestGrpc().WithMetadata(new ListenerSeparation.GrpcEndpoint());
        return app;
    }
}
