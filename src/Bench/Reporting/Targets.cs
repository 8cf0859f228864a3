using System.Globalization;
using PriceIngest.Bench.Contenders;

namespace PriceIngest.Bench.Reporting;

/// <summary>
/// The targets of issue 5, evaluated on medians of this run (ratios, because absolute times drift),
/// for every service contender (REST, gRPC).
/// </summary>
public static class Targets
{
    public const string ServiceKey = "c_rest";
    public const string LimitKey = "a";
    public const string PortKind = "port to port, a month";
    public const string RegionKind = "region to region, a year";

    public static List<TargetResult> Evaluate(
        IReadOnlyList<IngestResult> ingest, IReadOnlyList<LookupResult> lookups, IReadOnlyList<IServiceContender> services, string sqlName)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        ArgumentNullException.ThrowIfNull(lookups);
        ArgumentNullException.ThrowIfNull(services);
        var targets = new List<TargetResult>();
        var sizes = ingest.Select(i => i.Items).Distinct().Order().ToArray();
        var large = sizes[^1];
        var small = sizes[0];

        foreach (var service in services)
        {
            var via = service.Transport;
            var largeRatio = Ratio(ingest, large, service.Key, LimitKey);
            targets.Add(new($"ingest 1,000,000 items, {via}: (c)/(a)", "<= 2.0", F(largeRatio), largeRatio <= 2.0,
                large == 1_000_000 ? "median of runs, 1,000,000 items" : $"QUICK MODE: measured at {large:N0} items, not 1,000,000"));
            var smallRatio = Ratio(ingest, small, service.Key, LimitKey);
            targets.Add(new($"ingest 50,000 items, {via}: (c)/(a)", "<= 3.0", F(smallRatio), smallRatio <= 3.0, $"median of runs, {small:N0} items"));
        }

        foreach (var service in services)
        {
            var regionService = Find(lookups, RegionKind, "warm", service.Name, 1);
            var regionSql = Find(lookups, RegionKind, "warm", sqlName, 1);
            var speedup = regionSql.LatencyMs.Median / regionService.LatencyMs.Median;
            targets.Add(new($"warm region to region over a year, {service.Transport}, p50: SQL / service", ">= 20", F(speedup) + "x", speedup >= 20,
                $"p50 {F(regionService.LatencyMs.Median)} ms vs {F(regionSql.LatencyMs.Median)} ms, concurrency 1"));
        }

        foreach (var service in services)
        {
            var throughput = lookups.Single(l => l.Kind == PortKind && l.Contender == service.Name && l.Concurrency > 1);
            targets.Add(new($"warm lookups/s at concurrency {throughput.Concurrency}, {service.Transport} on loopback", ">= 10,000",
                throughput.PerSecond!.Value.ToString("N0", CultureInfo.InvariantCulture) + "/s", throughput.PerSecond >= 10_000,
                $"port to port over a month, {throughput.Queries:N0} lookups{(service.Key == ServiceKey ? "" : " (the issue asks this of REST)")}"));
        }

        foreach (var service in services)
        {
            foreach (var kind in new[] { PortKind, RegionKind })
            {
                var cold = Find(lookups, kind, "cold", service.Name, 1);
                var sql = Find(lookups, kind, "cold", sqlName, 1);
                var ratio = cold.LatencyMs.Median / sql.LatencyMs.Median;
                targets.Add(new($"cold lookup ({kind}), {service.Transport}, no slower than SQL: service p50 / SQL p50", "<= 1.0", F(ratio), ratio <= 1.0,
                    $"p50 {F(cold.LatencyMs.Median)} ms vs {F(sql.LatencyMs.Median)} ms, {cold.Queries} first touches after silo restarts"));
            }
        }

        // The cluster row (issue 12): reported, no goal.
        if (lookups.FirstOrDefault(l => l.Temperature == ClusterTemperature && l.Contender != ServiceRestName) is { } cluster
            && lookups.FirstOrDefault(l => l.Temperature == ClusterTemperature && l.Contender == ServiceRestName) is { } local)
        {
            var ratio = cluster.LatencyMs.Median / local.LatencyMs.Median;
            targets.Add(new("warm region to region over a year through a gateway in front of 2 silos, REST, p50: cluster / local mode", "-", F(ratio), null,
                $"p50 {F(cluster.LatencyMs.Median)} ms vs {F(local.LatencyMs.Median)} ms, alternating, concurrency 1"));
        }

        targets.AddRange(TelemetryOverhead(ingest, lookups));
        return targets;
    }

    public const string ClusterTemperature = "warm, cluster";

    /// <summary>The temperature of the warm lookups of the telemetry phase (three silos alternating).</summary>
    public const string TelemetryTemperature = "warm, telemetry";

    /// <summary>What telemetry costs (issue 14): reported, no goal; each ratio from one run, alternating.</summary>
    private static IEnumerable<TargetResult> TelemetryOverhead(IReadOnlyList<IngestResult> ingest, IReadOnlyList<LookupResult> lookups)
    {
        var off = ServiceRestName + Runs.TelemetryPhase.Off;
        foreach (var kind in new[] { PortKind, RegionKind })
        {
            var rows = lookups.Where(l => l.Kind == kind && l.Temperature == TelemetryTemperature).ToDictionary(l => l.Contender, StringComparer.Ordinal);
            if (!rows.TryGetValue(off, out var without))
            {
                continue;
            }

            foreach (var (contender, what) in new[] { (ServiceRestName + Runs.TelemetryPhase.Shipped, "telemetry as shipped"), (ServiceRestName + Runs.TelemetryPhase.TracesOn, "metrics, dashboard and traces") })
            {
                if (rows.TryGetValue(contender, out var with))
                {
                    yield return new($"warm {kind}, REST, p50: {what} / telemetry off", "-", F(with.LatencyMs.Median / without.LatencyMs.Median), null,
                        $"p50 {F(with.LatencyMs.Median)} ms vs {F(without.LatencyMs.Median)} ms, alternating, concurrency 1");
                }
            }
        }

        var shipped = ingest.FirstOrDefault(i => i.Contender == ServiceRestName + Runs.TelemetryPhase.Shipped);
        var bare = ingest.FirstOrDefault(i => i.Contender == off);
        if (shipped is not null && bare is not null)
        {
            yield return new($"ingest {shipped.Items:N0} items, REST: telemetry as shipped / telemetry off", "-", F(shipped.TotalMs.Median / bare.TotalMs.Median), null,
                $"median {F(shipped.TotalMs.Median)} ms vs {F(bare.TotalMs.Median)} ms over {shipped.RunsMs.Count} alternating runs");
        }
    }

    private const string ServiceRestName = "(c) service, REST";

    public static double Ratio(IReadOnlyList<IngestResult> ingest, int items, string key, string over)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        return ingest.Single(i => i.Items == items && i.Key == key).TotalMs.Median / ingest.Single(i => i.Items == items && i.Key == over).TotalMs.Median;
    }

    private static LookupResult Find(IReadOnlyList<LookupResult> lookups, string kind, string temperature, string contender, int concurrency) =>
        lookups.Single(l => l.Kind == kind && l.Temperature == temperature && l.Contender == contender && l.Concurrency == concurrency);

    private static string F(double value) => value.ToString(value >= 100 ? "F0" : value >= 10 ? "F1" : "F3", CultureInfo.InvariantCulture);
}
