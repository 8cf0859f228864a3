using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using PriceIngest.Grains.Rates;
using PriceIngest.Grains.ReferenceData;

namespace PriceIngest.Grains.Hosting;

public static class GrainServicesSiloBuilderExtensions
{
    /// <summary>
    /// What the grains need from the Orleans silo itself: the per-silo lane sum and reference
    /// reload services (and their clients) and the drain that lets uploads finish when the silo stops.
    /// </summary>
    public static ISiloBuilder AddPriceIngestGrainServices(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddGrainService<LaneSumService>();
        silo.Services.AddSingleton<LaneSumClient>();
        silo.AddGrainService<ReferenceReloadService>();
        silo.Services.AddSingleton<ReferenceReloadClient>();
        silo.Services.AddSingleton<ReferenceBroadcast>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloDrain>();
        return silo;
    }
}
