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

    /// <summary>The <c>service.name</c> resource of every metric and span. Default "priceingest".</summary>
    public string ServiceName { get; set; } = "priceingest";
}
