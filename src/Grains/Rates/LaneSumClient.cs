using Orleans.Runtime;
using Orleans.Runtime.Services;

namespace PriceIngest.Grains.Rates;

/// <summary>Reaches the <see cref="ILaneSumService"/> of a given silo.</summary>
internal sealed class LaneSumClient(IServiceProvider services) : GrainServiceClient<ILaneSumService>(services)
{
    public ILaneSumService On(SiloAddress silo) => GetGrainService(silo);
}
