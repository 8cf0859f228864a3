using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PriceIngest.Runtime.Tests.Grains;

namespace PriceIngest.Runtime.Tests.Infrastructure;

/// <summary>A container with the grain runtime and every test grain registered, as a host would build it.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly List<IHostedService> _started = [];
    private bool _stopped;

    private TestSilo(ServiceProvider services, CapturingLoggerProvider logs)
    {
        Services = services;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public IGrainFactory Factory => Services.GetRequiredService<IGrainFactory>();

    public IGrainRuntime Runtime => Services.GetRequiredService<IGrainRuntime>();

    public Journal Journal => Services.GetRequiredService<Journal>();

    public Gates Gates => Services.GetRequiredService<Gates>();

    public static ServiceCollection CreateServices(Action<GrainRuntimeOptions>? configure, CapturingLoggerProvider logs)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSingleton<Journal>();
        services.AddSingleton<Gates>();
        services.AddSingleton<RaceMonitor>();
        services.AddSingleton<FlakyActivation>();
        services.AddScoped<ScopedResource>();
        services.AddGrainRuntime(configure);
        services.AddGrain<ICounterGrain, CounterGrain>();
        services.AddGrain<INamedGrain, NamedGrain>();
        services.AddGrain<IGateGrain, GateGrain>();
        services.AddGrain<IShortLivedGrain, ShortLivedGrain>();
        services.AddGrain<IFlakyGrain, FlakyGrain>();
        services.AddGrain<IBadDeactivationGrain, BadDeactivationGrain>();
        services.AddGrain<IRaceGrain, RaceGrain>();
        services.AddGrain<IValueTaskGrain, ValueTaskGrain>();
        services.AddGrain<IPinnedGrain, PinnedGrain>();
        services.AddGrain<IPublishingGrain, PublishingGrain>();
        return services;
    }

    /// <summary>Builds the container and, unless told otherwise, starts the hosted services (the collector).</summary>
    public static async Task<TestSilo> StartAsync(Action<GrainRuntimeOptions>? configure = null, bool startHost = true)
    {
        var logs = new CapturingLoggerProvider();
        var silo = new TestSilo(CreateServices(configure, logs).BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }), logs);
        if (startHost)
        {
            foreach (var service in silo.Services.GetServices<IHostedService>())
            {
                await service.StartAsync(CancellationToken.None);
                silo._started.Add(service);
            }
        }

        return silo;
    }

    public async Task StopAsync()
    {
        _stopped = true;
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }

        await Services.DisposeAsync();
    }
}
