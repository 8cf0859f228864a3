using System.Net;
using System.Net.Sockets;

namespace PriceIngest.Bench.Hosting;

public static class FreeTcpPort
{
    /// <summary>A TCP port on 127.0.0.1 that is free right now.</summary>
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
