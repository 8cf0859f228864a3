using System.Diagnostics.Metrics;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Silo.Cluster;

/// <summary>What gateways asked of this silo (meter "PriceIngest.Silo"): how a silo's share of lanes is visible.</summary>
internal sealed class SiloMetrics
{
    public const string MeterName = "PriceIngest.Silo";

    private readonly Counter<long> _sumCalls;
    private readonly Counter<long> _lanes;
    private readonly Counter<long> _uploads;

    public SiloMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _sumCalls = meter.CreateCounter<long>("priceingest.silo.sum_calls", "{call}", "SumLanes calls answered for gateways");
        _lanes = meter.CreateCounter<long>("priceingest.silo.lanes_summed", "{lane}", "Lanes summed for gateways");
        _uploads = meter.CreateCounter<long>("priceingest.silo.relayed_uploads", "{batch}", "Uploads relayed by gateways, by outcome");
    }

    public void LanesSummed(int lanes)
    {
        _sumCalls.Add(1);
        _lanes.Add(lanes);
    }

    public void RelayedUpload(BatchState state) =>
        _uploads.Add(1, new KeyValuePair<string, object?>("outcome", state.ToString().ToLowerInvariant()));
}
