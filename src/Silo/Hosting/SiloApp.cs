using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using PriceIngest.Gateway.Rest;
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

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (silo.HttpHost is "*" or "0.0.0.0")
            {
                kestrel.ListenAnyIP(silo.HttpPort);
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, silo.HttpPort);
            }
        });

        builder.Services.AddPriceIngestSilo(builder.Configuration, connectionString);
        builder.Services.AddPriceIngestRest(builder.Configuration);
        if (silo.Seed ?? localMode)
        {
            builder.Services.AddSingleton(new SampleDataOptions());
            builder.Services.AddHostedService<SampleDataSeeder>();
        }

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPriceIngestRest();
        return app;
    }
}
