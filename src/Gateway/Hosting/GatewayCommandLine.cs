namespace PriceIngest.Gateway.Hosting;

/// <summary>The documented command-line switches of the gateway, as configuration keys.</summary>
internal static class GatewayCommandLine
{
    public static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--http-port"] = "Gateway:HttpPort",
        ["--grpc-port"] = "Gateway:GrpcPort",
        ["--http-host"] = "Gateway:HttpHost",
        ["--connection-string"] = "ConnectionStrings:Prices",
        ["--api-keys"] = "Security:ApiKeysFile",
    };
}
