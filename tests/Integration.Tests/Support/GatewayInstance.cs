using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PriceIngest.Api.Hosting;
using PriceIngest.Gateway.Hosting;

namespace PriceIngest.Integration.Tests.Support;

/// <summary>A real gateway (Orleans client, Kestrel on free loopback ports) in this process, ready when started.</summary>
public sealed class GatewayInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayInstance(WebApplication app)
    {
        _app = app;
        var listeners = app.Services.GetRequiredService<ApiListeners>();
        Http = new HttpClient { BaseAddress = new Uri(listeners.RestAddress), Timeout = TimeSpan.FromMinutes(2) };
        GrpcAddress = new Uri(listeners.GrpcAddress);
    }

    public HttpClient Http { get; }

    /// <summary>The gateway's gRPC endpoint (h2c on loopback).</summary>
    public Uri GrpcAddress { get; }

    /// <summary>Starts a gateway over the cluster of <paramref name="connectionString"/> and waits until it is ready.</summary>
    public static async Task<GatewayInstance> StartAsync(string connectionString, Action<IServiceCollection>? configureServices, params string[] settings)
    {
        var app = GatewayApp.Build(
            ["--connection-string", connectionString, "--http-port", "0", "--grpc-port", "0", "--Logging:LogLevel:Default=Warning", .. settings],
            configureServices);
        await app.StartAsync();
        var gateway = new GatewayInstance(app);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await Readiness.IsReadyAsync(gateway.Http, timeout.Token))
        {
            await Task.Delay(100, timeout.Token);
        }

        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
