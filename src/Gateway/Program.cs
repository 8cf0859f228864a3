using PriceIngest.Api.Hosting;
using PriceIngest.Gateway.Hosting;

// A gateway: the public APIs in front of the silos registered in PostgreSQL. Stateless; run several.
try
{
    var app = GatewayApp.Build(args);
    await app.RunAsync();
}
catch (Exception e) when (StartupFailures.Describe(e) is { } reason)
{
    await Console.Error.WriteLineAsync($"PriceIngest gateway did not start: {reason}");
    Environment.ExitCode = 1;
}
