using System.Globalization;
using System.Text;
using PriceIngest.Bench.Runs;

namespace PriceIngest.Bench.Reporting;

/// <summary>The report as markdown tables (stdout, and the body of docs/benchmarks.md).</summary>
public static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        var m = report.Machine;
        var d = report.Data;
        Line(md, $"## PriceIngest benchmark, {report.Mode} run of {report.StartedAt:yyyy-MM-dd HH:mm} UTC ({report.Seconds:F0} s)");
        md.AppendLine();
        Line(md, $"- Machine: {m.Cores} cores ({m.Cpu}), {m.MemoryGib:F1} GiB; {m.Os}; {m.Runtime}; load average {m.LoadAverageAtStart} at start, {m.LoadAverageAtEnd} at end (shared machine)");
        Line(md, $"- PostgreSQL {m.PostgresVersion}: {string.Join(", ", m.PostgresSettings.Select(s => $"{s.Key}={s.Value}"))}");
        Line(md, $"- Data (seed {d.Seed}): {d.Ports} ports, {d.Regions} regions in {d.RootRegions} trees of 3 levels; base {d.BasePrices:N0} prices on {d.BaseLanesWithPrices:N0} lanes, {d.BaseDays} ({d.BaseLaneDays:N0} lane-days)",
            $", about {d.PricesPerLaneDay} prices per lane-day with prices, {d.DuplicateShare:P1} exact duplicates; ingest batches: {d.BatchDays}, each its own seed; rows in {d.RowOrder}.");
        Line(md, $"- Setup: {string.Join(", ", report.SetupSeconds.Select(s => $"{s.Key} {s.Value:F1} s"))}");
        md.AppendLine();

        Line(md, $"### Targets (issue 5)");
        md.AppendLine();
        md.AppendLine("| target | goal | measured | met | basis |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var t in report.Targets)
        {
            Line(md, $"| {t.Target} | {t.Goal} | {t.Measured} | {t.Met switch { true => "met", false => "**not met**", null => "-" }} | {t.Basis} |");
        }

        md.AppendLine();
        Line(md, $"### Ingest (ms, median of runs; one transaction each; every contender ingests the same batch, order rotating)");
        md.AppendLine();
        md.AppendLine("| items | contender | median | min | max | runs | items/s | / (a) |");
        md.AppendLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var i in report.Ingest)
        {
            var limit = report.Ingest.Single(x => x.Items == i.Items && x.Key == Targets.LimitKey).TotalMs.Median;
            Line(md, $"| {i.Items:N0} | {i.Contender} | {i.TotalMs.Median:F0} | {i.TotalMs.Min:F0} | {i.TotalMs.Max:F0} | {i.TotalMs.Count} | {i.ItemsPerSecond:N0} | {i.TotalMs.Median / limit:F2} |");
        }

        md.AppendLine();
        foreach (var items in report.Ingest.Select(i => i.Items).Distinct())
        {
            foreach (var service in report.Ingest.Where(i => i.Items == items && i.Key.StartsWith("c_", StringComparison.Ordinal)))
            {
                Line(md, $"- {items:N0} items, {service.Contender}: (c)/(a) = {Targets.Ratio(report.Ingest, items, service.Key, "a"):F2}, ",
                    $"(c)/(a') = {Targets.Ratio(report.Ingest, items, service.Key, "a_ids"):F2}, (b)/(c) = {Targets.Ratio(report.Ingest, items, "b", service.Key):F2}",
                    service.Key.EndsWith(IngestPhase.EuroSuffix, StringComparison.Ordinal)
                        ? (FormattableString)$", EUR / USD = {Targets.Ratio(report.Ingest, items, service.Key, service.Key[..^IngestPhase.EuroSuffix.Length]):F2}"
                        : $"");
            }
        }

        md.AppendLine();
        Line(md, $"### Where the service's ingest time goes (ms, median over the runs)");
        md.AppendLine();
        var services = report.Ingest.Where(i => i.Key.StartsWith("c_", StringComparison.Ordinal)).OrderByDescending(i => i.Key, StringComparer.Ordinal).ThenBy(i => i.Items).ToList();
        md.Append("| phase |").AppendJoin("", services.Select(s => string.Create(CultureInfo.InvariantCulture, $" {s.Key[2..]} {s.Items:N0} |"))).AppendLine();
        md.Append("| --- |").AppendJoin("", services.Select(_ => " ---: |")).AppendLine();
        Line(md, $"| end to end (c) |{string.Concat(services.Select(s => string.Create(CultureInfo.InvariantCulture, $" {s.TotalMs.Median:F0} |")))}");
        foreach (var phase in services.SelectMany(s => s.PhaseMediansMs.Keys).Distinct(StringComparer.Ordinal))
        {
            Line(md, $"| {phase} |{string.Concat(services.Select(s => s.PhaseMediansMs.TryGetValue(phase, out var ms) ? string.Create(CultureInfo.InvariantCulture, $" {ms:F0} |") : " - |"))}");
        }

        Line(md, $"| runs in which the commit feed read the committed segment back |{string.Concat(services.Select(s => string.Create(CultureInfo.InvariantCulture, $" {s.RunsPhasesMs.Count(p => p.GetValueOrDefault(ReadBack) > 1)} of {s.RunsPhasesMs.Count} |")))}");
        Line(md, $"| receive only (REST): same batch + 1 invalid item, rejected (parse, validate, stage) |{string.Concat(services.Select(s => s.Key == Targets.ServiceKey && report.RejectProbes.FirstOrDefault(p => p.Items == s.Items) is { } p ? string.Create(CultureInfo.InvariantCulture, $" {p.Milliseconds:F0} |") : " - |"))}");
        md.AppendLine();

        Line(md, $"### Lookups (ms; every answer compared with plain SQL)");
        md.AppendLine();
        md.AppendLine("| query | lane caches | contender | concurrency | lookups | p50 | p99 | lookups/s |");
        md.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var l in report.Lookups.OrderBy(l => l.Kind, StringComparer.Ordinal).ThenBy(l => l.Temperature, StringComparer.Ordinal).ThenBy(l => l.Concurrency).ThenBy(l => l.Contender, StringComparer.Ordinal))
        {
            Line(md, $"| {l.Kind} | {l.Temperature} | {l.Contender} | {l.Concurrency} | {l.Queries:N0} | {l.LatencyMs.Median:F2} | {l.LatencyMs.P99:F2} | {(l.PerSecond is { } rate ? rate.ToString("N0", CultureInfo.InvariantCulture) : "")} |");
        }

        md.AppendLine();
        if (report.ColdBreakdowns.Count > 0)
        {
            Line(md, $"Cold service lookups, medians: what they wait for (the silo's lane-load queries, from pg_stat_statements; its loader runs up to 2 at once)");
            md.AppendLine();
            md.AppendLine("| query | contender | lanes activated | service ms | lane-load queries | lane-load db ms (sum) | service ms - db ms |");
            md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var b in report.ColdBreakdowns)
            {
                Line(md, $"| {b.Kind} | {b.Contender} | {b.MedianLanes:N0} | {b.ServiceMs:F1} | {b.LaneLoadQueries:F0} | {b.LaneLoadDbMs:F1} | {b.ServiceMs - b.LaneLoadDbMs:F1} |");
            }

            md.AppendLine();
        }

        var mem = report.Memory;
        Line(md, $"### Memory");
        md.AppendLine();
        Line(md, $"- Silo VmRSS {mem.RssBeforeBytes / 1048576.0:F0} MiB -> {mem.RssAfterBytes / 1048576.0:F0} MiB after reading every lane ({mem.GrainsActivated:N0} lane grains activated: the lanes with prices; empty lanes are skipped; {mem.LaneDaysHeld:N0} lane-days held) in {mem.WarmAllSeconds:F1} s: ",
            $"**{mem.MegabytesPerMillionLaneDays:F0} MiB per million cached lane-days** ({mem.BytesPerLaneDay:F0} bytes per lane-day, grain overhead included).");
        md.AppendLine();
        var c = report.Checks;
        Line(md, $"### Checks");
        md.AppendLine();
        Line(md, $"- {c.AnswersCompared:N0} answers on {c.DistinctQueries} distinct queries equal to {c.Truth}; after ingest, {c.PostIngestQueries} queries equal to the textbook table, which holds the same {c.TextbookPrices:N0} prices as the service ({c.ServicePrices:N0}, in {c.Segments} segments).");
        foreach (var note in report.Notes)
        {
            Line(md, $"- {note}");
        }

        return md.ToString();
    }

    private const string ReadBack = Measurement.StatementStatistics.SegmentReadBack;

    private static void Line(StringBuilder md, params FormattableString[] parts)
    {
        foreach (var part in parts)
        {
            md.Append(part.ToString(CultureInfo.InvariantCulture));
        }

        md.AppendLine();
    }
}
