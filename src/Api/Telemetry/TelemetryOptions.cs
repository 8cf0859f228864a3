using Microsoft.Extensions.Configuration;

namespace PriceIngest.Api.Telemetry;

/// <summary>What the process records (configuration section "Telemetry").</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// Metrics on <c>GET /metrics</c> (the product's, Orleans's, ASP.NET Core's, Npgsql's, the
    /// runtime's and the process's). Default true; false drops the endpoint and every listener.
    /// </summary>
    public bool Metrics { get; set; } = true;

    /// <summary>
    /// Traces of uploads and lookups (ASP.NET Core, gRPC, Orleans, Npgsql spans), exported over OTLP
    /// to the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>. Default (absent): on exactly when that
    /// endpoint is set, since spans nobody exports only cost; false: never; true: always (another
    /// exporter registered by the host).
    /// </summary>
    public bool? Traces { get; set; }

    /// <summary>
    /// Orleans's dashboard at <c>/dashboard</c> on the REST port (admin role when keys are
    /// configured): silos, grain activations and calls. Default true; it profiles every grain call
    /// (the benchmark measures what that costs), false removes it with its profiling.
    /// </summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>Where the dashboard is served.</summary>
    public const string DashboardPath = "/dashboard";

    /// <summary>The options as configured; the one place that reads them.</summary>
    public static TelemetryOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<TelemetryOptions>() ?? new TelemetryOptions();

    /// <summary>The <c>service.name</c> resource of every metric and span. Default "priceingest".</summary>
    public string ServiceName { get; set; } = "priceingest";
}
