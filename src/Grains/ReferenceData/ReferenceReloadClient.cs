using Orleans.Runtime;
using Orleans.Runtime.Services;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>Reaches the <see cref="IReferenceReloadService"/> of a given silo.</summary>
internal sealed class ReferenceReloadClient(IServiceProvider services) : GrainServiceClient<IReferenceReloadService>(services)
{
    public IReferenceReloadService On(SiloAddress silo) => GetGrainService(silo);
}
