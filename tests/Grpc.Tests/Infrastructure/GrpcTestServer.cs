using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Client;
using PriceIngest.Grpc.Health;
using PriceIngest.Grpc.Hosting;
using PriceIngest.Grpc.Server;
using PriceIngest.Grpc.Tests.Echo;

namespace PriceIngest.Grpc.Tests.Infrastructure;

/// <summary>
/// A real Kestrel on 127.0.0.1 and a random port, hosting the echo and health services on our
/// server framework, configured as a production host would (ListenGrpc).
/// </summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public int Port => Address.Port;

    public EchoProbe Probe => _app.Services.GetRequiredService<EchoProbe>();

    public HealthStatusRegistry Health => _app.Services.GetRequiredService<HealthStatusRegistry>();

    public CapturingLoggerProvider Logs => _app.Services.GetRequiredService<CapturingLoggerProvider>();

    public static async Task<GrpcTestServer> StartAsync(
        Action<GrpcServerOptions>? configure = null, string? certificatePath = null, string? certificatePassword = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(logs);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(new GrpcListenerOptions
        {
            Address = IPAddress.Loopback,
            Port = 0,
            CertificatePath = certificatePath,
            CertificatePassword = certificatePassword,
        }));
        builder.Services.AddGrpcServer(options =>
        {
            options.WriteTimeout = TimeSpan.FromSeconds(2);
            configure?.Invoke(options);
        });
        builder.Services.AddGrpcHealth();
        builder.Services.AddSingleton<EchoProbe>();
        builder.Services.AddSingleton<EchoService>();

        var app = builder.Build();
        app.MapGrpcService<EchoService>(binder => binder
            .Unary(EchoMethods.Unary, service => service.Unary)
            .ClientStreaming(EchoMethods.ClientStream, service => service.ClientStream)
            .ServerStreaming(EchoMethods.ServerStream, service => service.ServerStream)
            .DuplexStreaming(EchoMethods.Duplex, service => service.Duplex)
            .Unary(EchoMethods.Fail, service => service.Fail)
            .Unary(EchoMethods.Sleep, service => service.Sleep));
        app.MapGrpcHealthService();
        await app.StartAsync();

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var port = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        var scheme = certificatePath is null ? "http" : "https";
        return new GrpcTestServer(app, new Uri($"{scheme}://127.0.0.1:{port}"));
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
