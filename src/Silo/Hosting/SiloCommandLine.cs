namespace PriceIngest.Silo.Hosting;

/// <summary>Maps the documented command-line switches onto configuration keys.</summary>
internal static class SiloCommandLine
{
    public static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--http-port"] = "Silo:HttpPort",
        ["--http-host"] = "Silo:HttpHost",
        ["--grpc-port"] = "Silo:GrpcPort",
        ["--silo-port"] = "Silo:SiloPort",
        ["--gateway-port"] = "Silo:GatewayPort",
        ["--data-dir"] = "Silo:DataDirectory",
        ["--connection-string"] = "ConnectionStrings:Prices",
        ["--api-keys"] = "Security:ApiKeysFile",
    };

    /// <summary><c>--no-seed</c> is a flag; the configuration provider wants key=value.</summary>
    public static string[] Normalize(string[] args) =>
        [.. args.Select(a => a == "--no-seed" ? "--Silo:Seed=false" : a)];
}
