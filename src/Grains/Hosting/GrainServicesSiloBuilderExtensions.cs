using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using PriceIngest.Grains.Rates;

namespace PriceIngest.Grains.Hosting;

public static class GrainServicesSiloBuilderExtensions
{
    /// <summary>
    /// What the grains need from the Orleans silo itself: the per-silo lane sum service (and its
    /// client) and the drain that lets uploads finish when the silo stops.
    /// </summary>
    public static ISiloBuilder AddPriceIngestGrainServices(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddGrainService<LaneSumService>();
        silo.Services.AddSingleton<LaneSumClient>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloDrain>();
        return silo;
    }
}
