using System.Diagnostics.Metrics;

namespace PriceIngest.Grains.Coherence;

/// <summary>
/// How far this silo's caches trail PostgreSQL (meter "PriceIngest.Coherence"): the commits it knows
/// of and has not applied, and for how long it has been behind. Both stay at zero on a healthy silo.
/// </summary>
internal sealed class CommitFeedMetrics
{
    public const string MeterName = "PriceIngest.Coherence";

    public CommitFeedMetrics(IMeterFactory meters, CommitFeed feed)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("priceingest.feed.lag", () => feed.LagCommits, "{commit}", "Commits made in PostgreSQL that this silo's lane caches do not reflect yet");
        meter.CreateObservableGauge("priceingest.feed.lag.time", () => feed.LagTime.TotalSeconds, "s", "How long this silo's lane caches have trailed the newest commit it knows of");
        meter.CreateObservableGauge("priceingest.feed.watermark", () => feed.Watermark, "{commit}", "The commit sequence every cached lane on this silo reflects");
    }
}
