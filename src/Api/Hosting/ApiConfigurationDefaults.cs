using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace PriceIngest.Api.Hosting;

/// <summary>
/// Defaults of the public API hosts (silo and gateway), as the lowest-priority configuration source
/// so that appsettings, environment variables and the command line override them.
/// </summary>
public static class ApiConfigurationDefaults
{
    private static readonly Dictionary<string, string?> Defaults = new(StringComparer.Ordinal)
    {
        // Grpc.AspNetCore logs every non-OK status, and a client that resets its stream, at
        // information level with the exception's stack trace. Those are per-request outcomes: the
        // API logs them itself (events 3102-3105), so only the library's warnings and errors stay.
        ["Logging:LogLevel:Grpc.AspNetCore.Server.ServerCallHandler"] = "Warning",

        // ASP.NET Core logs two information lines per request (about 680 bytes: gigabytes per hour
        // at our request rates). Request logs are for debugging; batch outcomes are logged by us.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",

        // Orleans narrates its start-up and every membership step at information level (dozens
        // of lines per silo); its warnings and errors are what an operator needs.
        ["Logging:LogLevel:Orleans"] = "Warning",

        // Polly (inside Orleans's placement) logs every pipeline execution at information level:
        // about 2.5 MB per benchmark run. Its warnings (retries, failures) stay.
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    public static void AddPublicApiDefaults(this IConfigurationBuilder configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
    }
}
