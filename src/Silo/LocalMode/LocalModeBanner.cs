using PriceIngest.Api.Hosting;
using PriceIngest.EmbeddedPostgres;
using PriceIngest.Silo.Hosting;

namespace PriceIngest.Silo.LocalMode;

/// <summary>Tells a developer where the silo listens and what to try first.</summary>
internal static class LocalModeBanner
{
    public static void Print(WebApplication app, PostgresServer? embedded)
    {
        var listeners = app.Services.GetRequiredService<ApiListeners>();
        var address = listeners.RestAddress;
        var silo = app.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>();
        Console.WriteLine($"""

            PriceIngest silo is up ({(embedded is null ? "cluster database" : $"local mode, PostgreSQL on port {embedded.Port}, data in {embedded.DataDirectory}")}).
              REST:   {address}
              gRPC:   {listeners.GrpcAddress}  (priceingest.v1.IngestService, priceingest.v1.PriceService, grpc.health.v1.Health; protos/priceingest/v1)
              Orleans: silo {silo.SiloAddress.Endpoint}, gateway {silo.GatewayAddress?.Endpoint}{(embedded is null ? "" : $"; a second silo joins with --connection-string \"{embedded.ConnectionString}\"")}
              Keys:   {Security(app)}
              Try:    curl '{address}/rates?date_from=2016-01-01&date_to=2016-01-10&origin=CNSGH&destination=north_europe_main'
                      curl '{address}/health/ready'
            Press Ctrl+C to stop.

            """);
    }

    private static string Security(WebApplication app) =>
        app.Services.GetRequiredService<PriceIngest.Api.Security.ApiKeyStore>().FilePath is { } path
            ? $"API keys from {path} (send 'Authorization: Bearer KEY')"
            : "none: anonymous callers have every role, which is accepted only on loopback (see docs/security.md)";
}
