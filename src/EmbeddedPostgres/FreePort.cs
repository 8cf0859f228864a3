using System.Net;
using System.Net.Sockets;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// Picks a currently free TCP port on 127.0.0.1. Another process may take it before the server binds
/// it; the launcher detects that and tries another one.
/// </summary>
public static class FreePort
{
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
