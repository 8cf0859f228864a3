using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// What the write side reports (meter "PriceIngest.Ingest"): batches by outcome and reason, items
/// and sizes of committed batches, how long each phase of a commit takes (where ingest time goes),
/// upload slots in use against their limit, and the lanes cached here (how Orleans spreads them).
/// </summary>
internal sealed class IngestMetrics
{
    public const string MeterName = "PriceIngest.Ingest";

    private readonly Counter<long> _batches;
    private readonly Counter<long> _items;
    private readonly Histogram<double> _phase;
    private readonly Counter<long> _slotsFull;
    private readonly Histogram<long> _sizes;

    public IngestMetrics(IMeterFactory meters, UploadsInProgress uploads, Lanes.LaneSnapshots lanes, IOptions<IngestOptions> options)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("priceingest.uploads.open", () => uploads.Count, "{upload}", "Uploads open on this silo's batch grains (upload slots in use)");
        meter.CreateObservableGauge("priceingest.uploads.slots", () => options.Value.MaxConcurrentUploads, "{upload}", "Upload slots of this silo (Ingest:MaxConcurrentUploads)");
        meter.CreateObservableGauge("priceingest.lanes.active", () => lanes.Count, "{lane}", "Lane grains active on this silo");
        _batches = meter.CreateCounter<long>("priceingest.batches", "{batch}", "Batches finished, by outcome (committed, rejected, aborted) and reason");
        _items = meter.CreateCounter<long>("priceingest.batch.items", "{item}", "Items of committed batches");
        _slotsFull = meter.CreateCounter<long>("priceingest.uploads.slots_full", "{upload}", "Uploads refused because every upload slot of this silo was taken (Ingest:MaxConcurrentUploads)");
        _sizes = meter.CreateHistogram<long>("priceingest.batch.size", "{item}", "Items per committed batch",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000] });
        _phase = meter.CreateHistogram<double>("priceingest.batch.phase.duration", "s", "Duration of each phase of a batch (start, receive, sort, copy, index, commit; btree after the commit)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
    }

    /// <param name="reason">Why a batch was rejected or aborted (a short code); null for a commit.</param>
    public void Finished(BatchState state, long items, string? reason)
    {
        var tags = new TagList { { "outcome", state.ToString().ToLowerInvariant() }, { "reason", reason ?? "none" } };
        _batches.Add(1, tags);
        if (state == BatchState.Committed)
        {
            _items.Add(items);
            _sizes.Record(items);
        }
    }

    public void SlotsFull() => _slotsFull.Add(1);

    public void Phase(string phase, TimeSpan duration) =>
        _phase.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("phase", phase));
}
