using Microsoft.Extensions.Options;
using PriceIngest.Api.Hosting;
using PriceIngest.Grains.Membership;
using PriceIngest.Silo.Hosting;

namespace PriceIngest.Silo.Cluster;

/// <summary>The gRPC address this silo registers: <c>Silo:AdvertisedGrpcAddress</c>, else the bound listener.</summary>
internal sealed class SiloEndpoint(ApiListeners listeners, IOptions<SiloOptions> options) : ISiloEndpoint
{
    public string GrpcAddress => options.Value.AdvertisedGrpcAddress is { Length: > 0 } advertised ? advertised : listeners.GrpcAddress;
}
