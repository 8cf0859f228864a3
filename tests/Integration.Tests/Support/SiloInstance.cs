using PriceIngest.Api.Hosting;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PriceIngest.Silo.Hosting;

namespace PriceIngest.Integration.Tests.Support;

/// <summary>A real silo (Kestrel on a free loopback port) over a test database.</summary>
public sealed class SiloInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SiloInstance(WebApplication app, string connectionString)
    {
        _app = app;
        ConnectionString = connectionString;
        var listeners = app.Services.GetRequiredService<ApiListeners>();
        Http = new HttpClient { BaseAddress = new Uri(listeners.RestAddress), Timeout = TimeSpan.FromMinutes(5) };
        GrpcAddress = new Uri(listeners.GrpcAddress);
        GrpcPort = listeners.GrpcPort;
    }

    public HttpClient Http { get; }

    /// <summary>The silo's gRPC endpoint (h2c on loopback, its own free port).</summary>
    public Uri GrpcAddress { get; }

    public int GrpcPort { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<SiloInstance> StartAsync(string connectionString, params string[] settings) =>
        StartAsync(connectionString, configureServices: null, settings);

    /// <summary>A silo with services of the test's own added last (an exporter, say).</summary>
    public static async Task<SiloInstance> StartAsync(string connectionString, Action<IServiceCollection>? configureServices, params string[] settings)
    {
        // No cold-read warm-up (it compiles code beside the test for up to 3 s of a 2-core machine)
        // unless a test's settings turn it on: its own test does, and silo processes run it as shipped.
        var app = SiloApp.Build(
            ["--http-port", "0", "--grpc-port", "0", "--Silo:Seed=false", "--Logging:LogLevel:Default=Warning", "--Rates:WarmUpLanes=0", .. settings],
            connectionString, localMode: false, configureServices: configureServices);
        await app.StartAsync();
        return new SiloInstance(app, connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
