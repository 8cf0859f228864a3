namespace PriceIngest.Bench.Contenders.Service;

/// <summary>The service as a cluster serves it: GET /rates on a gateway in front of two silos.</summary>
public sealed class ClusterRestContender(RestServiceClient client) : ILookupContender
{
    public string Name => "(c) cluster: gateway + 2 silos, REST";

    public Task<RateDay[]> LookupAsync(LookupQuery query, CancellationToken cancellationToken) =>
        client.GetRatesAsync(query, null, cancellationToken);
}
