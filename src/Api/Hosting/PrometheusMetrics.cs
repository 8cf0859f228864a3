using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PriceIngest.Api.Hosting;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format, for every instrument of the "PriceIngest.*"
/// meters, written by hand before OpenTelemetry's Prometheus exporter restored here (its move is
/// the observability issue's). Counters are totals,
/// histograms export _count and _sum, gauges their last observation at scrape time.
/// </summary>
public sealed class PrometheusMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();

    public PrometheusMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("PriceIngest", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>The current total of a counter (summed over its labels), for tests and diagnostics.</summary>
    public double Total(string instrumentName) =>
        _series.Where(s => s.Key.Instrument.Name == instrumentName).Sum(s => s.Value.Sum);

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = group.Key;
            var name = instrument.Name.Replace('.', '_').Replace('-', '_');
            var (type, suffix) = instrument switch
            {
                Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => ("counter", "_total"),
                Histogram<double> or Histogram<long> => ("summary", string.Empty),
                _ => ("gauge", string.Empty),
            };
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name}{suffix} {instrument.Description}\n# TYPE {name}{suffix} {type}\n");
            foreach (var (key, series) in group.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                if (type == "summary")
                {
                    text.Append(CultureInfo.InvariantCulture, $"{name}_count{key.Labels} {series.Count}\n");
                    text.Append(CultureInfo.InvariantCulture, $"{name}_sum{key.Labels} {series.Sum}\n");
                }
                else
                {
                    text.Append(CultureInfo.InvariantCulture, $"{name}{suffix}{key.Labels} {series.Sum}\n");
                }
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = _series.GetOrAdd((instrument, Labels(tags)), _ => new Series());
        var gauge = instrument is ObservableGauge<long> or ObservableGauge<int> or ObservableGauge<double> or ObservableUpDownCounter<long>;
        lock (series)
        {
            series.Sum = gauge ? value : series.Sum + value;
            series.Count++;
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            pairs.Add($"{tag.Key.Replace('.', '_')}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return "{" + string.Join(',', pairs) + "}";
    }

    private sealed class Series
    {
        public double Sum { get; set; }

        public long Count { get; set; }
    }
}

public static class PrometheusMetricsExtensions
{
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services) =>
        services.AddSingleton<PrometheusMetrics>();

    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/metrics", (PrometheusMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4"));
}
