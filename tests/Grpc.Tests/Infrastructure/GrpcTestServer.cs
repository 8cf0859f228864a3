using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PriceIngest.Api.Grpc;
using PriceIngest.Api.Hosting;
using PriceIngest.Grpc.Tests.Echo;
using HealthClient = Grpc.Health.V1.Health.HealthClient;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace PriceIngest.Grpc.Tests.Infrastructure;

/// <summary>
/// A real Kestrel on 127.0.0.1 and a free port, hosting the echo service on Grpc.AspNetCore the
/// way the product hosts its own: the listeners of <see cref="ApiListeners"/> (gRPC h2c, or TLS
/// with ALPN given a certificate), <c>AddPriceIngestGrpc</c> (limits from the "Grpc" section,
/// CallOutcomeInterceptor, reflection, health from the checks tagged "ready"), the health and
/// reflection services, and the listener separation of the public API. Readiness is a
/// <see cref="TestReadiness"/> check the test switches.
/// </summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _stop = new();
    private Task? _stopping;

    private GrpcTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The settings every test server starts with (a test's own settings win).</summary>
    public static IReadOnlyDictionary<string, string?> DefaultSettings { get; } = new Dictionary<string, string?>
    {
        // The health check publisher's minimum: readiness changes reach gRPC health within a second.
        ["Grpc:HealthPollInterval"] = "00:00:01",
    };

    public Uri Address { get; }

    public int Port => Address.Port;

    public EchoProbe Probe => _app.Services.GetRequiredService<EchoProbe>();

    /// <summary>The "ready" check behind the gRPC health statuses.</summary>
    public TestReadiness Readiness => _app.Services.GetRequiredService<TestReadiness>();

    public CapturingLoggerProvider Logs => _app.Services.GetRequiredService<CapturingLoggerProvider>();

    /// <param name="settings">Configuration entries, e.g. "Grpc:MaxReceiveMessageBytes".</param>
    /// <param name="certificatePath">A .pfx: gRPC over TLS (ALPN h2) instead of h2c.</param>
    /// <param name="certificatePassword">The .pfx password.</param>
    public static async Task<GrpcTestServer> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, string? certificatePath = null, string? certificatePassword = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(DefaultSettings);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        // Our own events down to Debug (3105 is Debug); the frameworks' from Information on (at Debug
        // Grpc.AspNetCore logs every message read, which would swamp the capture in long streams).
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("PriceIngest", LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(logs);

        var listeners = new ApiListeners();
        builder.WebHost.ConfigureKestrel(kestrel =>
            listeners.Declare(kestrel, new ApiEndpointSettings("localhost", 0, 0, certificatePath, certificatePassword)));
        builder.Services.AddSingleton(listeners);
        builder.Services.AddPriceIngestGrpc(builder.Configuration);
        var readiness = new TestReadiness();
        builder.Services.AddSingleton(readiness);
        builder.Services.AddHealthChecks().AddCheck(TestReadiness.Name, readiness, tags: ["ready"]);
        builder.Services.AddSingleton<EchoProbe>();

        var app = builder.Build();
        app.UseRouting();
        app.UseListenerSeparation(listeners);
        var grpc = app.MapGroup(string.Empty);
        grpc.MapGrpcService<EchoGrpcService>();
        grpc.MapGrpcHealthChecksService();
        grpc.MapGrpcReflectionService();
        grpc.WithMetadata(new ListenerSeparation.GrpcEndpoint());
        await app.StartAsync();

        var server = new GrpcTestServer(app, new Uri(listeners.GrpcAddress));
        if (certificatePath is null)
        {
            // Health starts NOT_SERVING until the first readiness report: wait for it.
            await server.WaitForHealthAsync(string.Empty, ServingStatus.Serving, TimeSpan.FromSeconds(15));
        }

        return server;
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) =>
        options is null ? GrpcChannel.ForAddress(Address) : GrpcChannel.ForAddress(Address, options);

    /// <summary>Polls Check until <paramref name="service"/> reports <paramref name="expected"/>; returns how many checks it took.</summary>
    public async Task<int> WaitForHealthAsync(string service, ServingStatus expected, TimeSpan timeout)
    {
        using var channel = CreateChannel();
        var health = new HealthClient(channel);
        var until = DateTime.UtcNow + timeout;
        var last = ServingStatus.Unknown;
        for (var checks = 1; ; checks++)
        {
            last = (await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(10))).Status;
            if (last == expected)
            {
                return checks;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"health of '{service}' stayed {last}, not {expected}, for {timeout}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Starts stopping the host (as SIGTERM does) and returns when it has stopped.</summary>
    public Task StopAsync()
    {
        lock (_stop)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private async Task StopCoreAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
    }
}
