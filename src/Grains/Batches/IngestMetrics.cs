using System.Diagnostics.Metrics;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// What the write side reports (meter "PriceIngest.Ingest"): batches by outcome, items committed,
/// how long each phase of a commit takes (where ingest time goes), uploads open on this silo, and
/// the lanes cached here (how Orleans spreads them over the silos).
/// </summary>
internal sealed class IngestMetrics
{
    public const string MeterName = "PriceIngest.Ingest";

    private readonly Counter<long> _batches;
    private readonly Counter<long> _items;
    private readonly Histogram<double> _phase;
    private readonly Counter<long> _slotsFull;

    public IngestMetrics(IMeterFactory meters, UploadsInProgress uploads, Lanes.LaneSnapshots lanes)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("priceingest.uploads.open", () => uploads.Count, "{upload}", "Uploads open on this silo's batch grains");
        meter.CreateObservableGauge("priceingest.lanes.active", () => lanes.Count, "{lane}", "Lane grains active on this silo");
        _batches = meter.CreateCounter<long>("priceingest.batches", "{batch}", "Batches finished, by outcome");
        _items = meter.CreateCounter<long>("priceingest.batch.items", "{item}", "Items of committed batches");
        _slotsFull = meter.CreateCounter<long>("priceingest.uploads.slots_full", "{upload}", "Uploads refused because every upload slot of this silo was taken (Ingest:MaxConcurrentUploads)");
        _phase = meter.CreateHistogram<double>("priceingest.batch.phase.duration", "s", "Duration of each phase of a batch (start, receive, sort, copy, index, commit; btree after the commit)");
    }

    public void Finished(BatchState state, long items)
    {
        _batches.Add(1, new KeyValuePair<string, object?>("outcome", state.ToString().ToLowerInvariant()));
        if (state == BatchState.Committed)
        {
            _items.Add(items);
        }
    }

    public void SlotsFull() => _slotsFull.Add(1);

    public void Phase(string phase, TimeSpan duration) =>
        _phase.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("phase", phase));
}
