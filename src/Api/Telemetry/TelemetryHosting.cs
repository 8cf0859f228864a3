using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PriceIngest.Api.Security;

namespace PriceIngest.Api.Telemetry;

/// <summary>
/// OpenTelemetry for a silo or a gateway: metrics scraped on <c>GET /metrics</c> (admin role) by
/// the Prometheus exporter, traces exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetryHosting
{
    /// <summary>Every meter of the product ("PriceIngest.Ingest", ".Lookups", ".Api", ...).</summary>
    public const string ProductMeters = "PriceIngest.*";

    /// <summary>Orleans's meter (messaging, grains, membership, catalog).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans's activity sources, whose spans carry a trace from one process into another.</summary>
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IServiceCollection AddPriceIngestTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section));
        var options = TelemetryOptions.From(configuration);
        services.AddSingleton(options);
        var otlpEndpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var traces = options.Traces ?? !string.IsNullOrEmpty(otlpEndpoint);
        if (!options.Metrics && !traces)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(options.ServiceName));
        if (options.Metrics)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(ProductMeters, OrleansMeter)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddNpgsqlInstrumentation()
                // No cached answer: two scrapes a moment apart (a second Prometheus, an operator's
                // curl after a test upload) must both show what happened before them.
                .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        if (traces)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .AddSource(ProductMeters)
                    .AddSource(OrleansSources)
                    .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context => !IsScrapeOrProbe(context.Request.Path))
                    .AddNpgsql();
                if (!string.IsNullOrEmpty(otlpEndpoint))
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        return services;
    }

    /// <summary>Maps <c>GET /metrics</c> when metrics are on.</summary>
    public static void MapPriceIngestMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TelemetryOptions>().Metrics)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(ApiPolicies.Admin);
        }
    }

    // Scrapes and health probes arrive every few seconds and would bury the uploads and lookups.
    private static bool IsScrapeOrProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/health", StringComparison.Ordinal);
}
