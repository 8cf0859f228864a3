using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PriceIngest.EmbeddedPostgres;

namespace PriceIngest.Silo.LocalMode;

/// <summary>Tells a developer where the silo listens and what to try first.</summary>
internal static class LocalModeBanner
{
    public static void Print(WebApplication app, PostgresServer? embedded)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        Console.WriteLine($"""

            PriceIngest silo is up ({(embedded is null ? "cluster database" : $"local mode, PostgreSQL on port {embedded.Port}, data in {embedded.DataDirectory}")}).
              REST:   {address}
              Try:    curl '{address}/rates?date_from=2016-01-01&date_to=2016-01-10&origin=CNSGH&destination=north_europe_main'
                      curl '{address}/health/ready'
            Press Ctrl+C to stop.

            """);
    }
}
