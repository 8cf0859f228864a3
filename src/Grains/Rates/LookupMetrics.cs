using System.Diagnostics;
using System.Diagnostics.Metrics;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Rates;

/// <summary>
/// What the read side reports (meter "PriceIngest.Lookups"): lookups by kind (port or region at
/// each end) and outcome, how long they take, and where their lanes came from: this silo's cache,
/// another silo's, or a load from PostgreSQL (a cold lane).
/// </summary>
internal sealed class LookupMetrics
{
    public const string MeterName = "PriceIngest.Lookups";

    private readonly Counter<long> _lookups;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _lanes;

    public LookupMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _lookups = meter.CreateCounter<long>("priceingest.lookups", "{lookup}", "Rates lookups answered by this silo, by kind (port_port, port_region, region_port, region_region) and outcome (ok, error)");
        _duration = meter.CreateHistogram<double>("priceingest.lookup.duration", "s", "Duration of a rates lookup on the silo that answers it, by kind",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _lanes = meter.CreateCounter<long>("priceingest.lookup.lanes", "{lane}", "Lanes summed for lookups, by source: cache (this silo), silo (another silo's cache), load (read from PostgreSQL)");
    }

    public static string KindOf(RatesQuery query, ReferenceSnapshot snapshot) =>
        (snapshot.PortsByCode.ContainsKey(query.Origin), snapshot.PortsByCode.ContainsKey(query.Destination)) switch
        {
            (true, true) => "port_port",
            (true, false) => "port_region",
            (false, true) => "region_port",
            _ => "region_region",
        };

    public void Answered(string kind, long startedAt, bool ok)
    {
        var tags = new TagList { { "kind", kind }, { "outcome", ok ? "ok" : "error" } };
        _lookups.Add(1, tags);
        _duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("kind", kind));
    }

    public void Lanes(string source, int count)
    {
        if (count > 0)
        {
            _lanes.Add(count, new KeyValuePair<string, object?>("source", source));
        }
    }
}
