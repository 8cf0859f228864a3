using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PriceIngest.Runtime;

/// <summary>Registration of the in-process grain runtime, in the style of Orleans' silo builder.</summary>
public static class GrainServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IGrainFactory"/>, <see cref="IGrainRuntime"/>, <see cref="GrainRuntimeOptions"/> (bound from
    /// the "Grains" section if an IConfiguration is registered, then <paramref name="configure"/>, validated on start)
    /// and a hosted service that runs the idle collector and deactivates every grain when the host stops.
    /// Safe to call more than once; each <paramref name="configure"/> is applied in order.
    /// </summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, Action<GrainRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<GrainRuntimeOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<GrainRuntimeOptions>, GrainRuntimeOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainRuntimeOptions>, GrainRuntimeOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddMetrics();
        services.TryAddSingleton<GrainRuntime>();
        services.TryAddSingleton<IGrainFactory>(static sp => sp.GetRequiredService<GrainRuntime>());
        services.TryAddSingleton<IGrainRuntime>(static sp => sp.GetRequiredService<GrainRuntime>());
        services.AddHostedService<GrainRuntimeHostedService>();
        return services;
    }

    /// <summary>
    /// Maps a grain interface to its implementation class. Each activation gets its own DI scope and is created with
    /// constructor injection from it. Throws <see cref="ArgumentException"/> if a method of the interface does not
    /// return Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt; (or has ref/out parameters), and
    /// <see cref="InvalidOperationException"/> if the interface is already registered.
    /// </summary>
    public static IServiceCollection AddGrain<TGrainInterface, TGrain>(this IServiceCollection services)
        where TGrainInterface : IGrain
        where TGrain : Grain, TGrainInterface
    {
        ArgumentNullException.ThrowIfNull(services);

        var registration = GrainRegistration.Create(typeof(TGrainInterface), typeof(TGrain));
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(GrainRegistration)
                && descriptor.ImplementationInstance is GrainRegistration existing
                && existing.Interface == registration.Interface)
            {
                throw new InvalidOperationException(
                    $"Grain interface {registration.Interface} is already mapped to {existing.Implementation}; it cannot also map to {registration.Implementation}.");
            }
        }

        services.AddSingleton(registration);
        return services;
    }
}
