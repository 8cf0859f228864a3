using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace PriceIngest.Api.Hosting;

/// <summary>Start-up failures an operator can fix, as one line for the console (no stack trace).</summary>
public static class StartupFailures
{
    /// <summary>The reason in words, or null for a failure that is a bug (it keeps its stack trace).</summary>
    public static string? Describe(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StartupRefusedException:
                    return e.Message;
                case OptionsValidationException options:
                    return $"invalid configuration: {string.Join("; ", options.Failures)}";
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                case IOException when e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase):
                    return $"{e.Message}: another process listens on that port; pick free ones with --http-port, --grpc-port (and for a silo --silo-port, --gateway-port)";
            }
        }

        return null;
    }
}
