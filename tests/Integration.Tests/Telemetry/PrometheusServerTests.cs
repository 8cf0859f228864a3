using System.Globalization;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Security;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>A real Prometheus, with the shipped configuration and alerts, scraping a silo and a gateway process.</summary>
[Collection(ClusterPostgresCollection.Name)]
public sealed class PrometheusServerTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Prometheus_with_the_shipped_configuration_scrapes_a_silo_and_a_gateway_and_loads_every_alert()
    {
        await using var scraped = await ScrapedClusterAsync();
        var prometheus = scraped.Prometheus;

        var up = await WaitForAsync(prometheus, "up", series => series.Count == 2);
        Assert.All(up, series => Assert.Equal(1, series.Value));
        Assert.Equal(["priceingest-gateway", "priceingest-silo"], up.Select(s => s.Labels["job"]).Order(StringComparer.Ordinal));

        var lookups = await WaitForAsync(prometheus, "sum by (job) (priceingest_lookups_total)", series => series.Count >= 1);
        Assert.Contains(lookups, s => s.Labels["job"] == "priceingest-silo" && s.Value >= 1);
        var retries = await WaitForAsync(prometheus, "priceingest_gateway_silo_calls_total", series => series.Count >= 1);
        Assert.All(retries, s => Assert.Equal("priceingest-gateway", s.Labels["job"]));
        foreach (var name in MetricsEndpointTests.ProductSeries)
        {
            Assert.True((await prometheus.QueryAsync($"count({name}{{job=\"priceingest-silo\"}})")).Count == 1, $"Prometheus has no {name} from the silo");
        }

        Assert.Equal(AlertRulesTests.AlertNames().Order(StringComparer.Ordinal), (await prometheus.AlertRuleNamesAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_query_of_the_Grafana_dashboard_runs_and_names_only_series_Prometheus_scraped()
    {
        await using var scraped = await ScrapedClusterAsync();
        var prometheus = scraped.Prometheus;
        var queries = GrafanaDashboard.Queries(Deployment.Read("grafana/dashboards/priceingest.json"));
        var named = queries.SelectMany(q => GrafanaDashboard.MetricNames(q.Expr)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("priceingest_lookup_duration_seconds_bucket", named);
        Assert.True(named.Count >= 25, $"the dashboard names only {named.Count} series");

        // Two scrapes of both targets and a database statistics reading behind every series.
        await WaitForAsync(prometheus, "count(priceingest_db_prices_segments) and count(rate(up[10s]))", series => series.Count == 1);
        var known = (await prometheus.MetricNamesAsync()).ToHashSet(StringComparer.Ordinal);

        var unknown = named.Where(name => !known.Contains(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unknown.Count == 0, $"the dashboard reads series no scrape has: {string.Join(", ", unknown)}");
        foreach (var (panel, expr) in queries)
        {
            // Grafana's variables as Grafana would fill them; a query Prometheus refuses fails here.
            var promql = expr.Replace("$__rate_interval", "10s", StringComparison.Ordinal).Replace("$instance", ".*", StringComparison.Ordinal);
            var answer = await prometheus.TryQueryAsync(promql);
            Assert.True(answer.Ok, $"panel '{panel}': {promql} was refused: {answer.Error}");
        }
    }

    /// <summary>A silo (seeding the sample data) and a gateway with keys, some lookups, and a Prometheus scraping both.</summary>
    private async Task<ScrapedCluster> ScrapedClusterAsync()
    {
        var keys = new KeysFile();
        var cluster = await Cluster.Cluster.CreateAsync(await postgres.CreateDatabaseAsync());
        var silo = await cluster.StartSiloAsync(seed: true, settings: ["--api-keys", keys.Path, "--Telemetry:Database:Interval=00:00:01"]);
        var gateway = await cluster.StartGatewayAsync(settings: ["--api-keys", keys.Path]);

        // Some work, so that the product's counters exist on both.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}/") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", keys.Admin);
        (await http.GetAsync(new Uri("rates?date_from=2016-01-01&date_to=2016-01-05&origin=CNSGH&destination=NLRTM", UriKind.Relative))).EnsureSuccessStatusCode();

        var prometheus = await PrometheusServer.StartAsync(
            Configuration($"127.0.0.1:{silo.HttpPort}", $"127.0.0.1:{gateway.HttpPort}"),
            new Dictionary<string, string> { ["alerts.yml"] = Deployment.Read("prometheus/alerts.yml"), ["metrics-key"] = keys.Admin });
        return new ScrapedCluster(keys, cluster, prometheus);
    }

    private sealed record ScrapedCluster(KeysFile Keys, Cluster.Cluster Cluster, PrometheusServer Prometheus) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Prometheus.DisposeAsync();
            await Cluster.DisposeAsync();
            Keys.Dispose();
        }
    }

    /// <summary>The shipped prometheus.yml with loopback targets instead of docker's DNS, 1 s intervals, and no node exporter (none runs here).</summary>
    private static string Configuration(string silo, string gateway)
    {
        var shipped = Deployment.Read("prometheus/prometheus.yml");
        var text = Replace(shipped, "scrape_interval: 15s", "scrape_interval: 1s");
        text = Replace(text, "evaluation_interval: 15s", "evaluation_interval: 1s");
        text = Replace(text, "/run/secrets/metrics-key", "metrics-key");
        text = Replace(text, """
                dns_sd_configs:
                  - names: ["silo"]
                    type: A
                    port: 5080
                    refresh_interval: 15s
            """, $"""
                static_configs:
                  - targets: ["{silo}"]
            """);
        text = Replace(text, """
                dns_sd_configs:
                  - names: ["gateway"]
                    type: A
                    port: 5090
                    refresh_interval: 15s
            """, $"""
                static_configs:
                  - targets: ["{gateway}"]
            """);
        return text[..text.IndexOf("  - job_name: node", StringComparison.Ordinal)];
    }

    private static string Replace(string text, string old, string replacement)
    {
        Assert.Contains(old, text, StringComparison.Ordinal);
        return text.Replace(old, replacement, StringComparison.Ordinal);
    }

    private static async Task<List<(Dictionary<string, string> Labels, double Value)>> WaitForAsync(
        PrometheusServer prometheus, string promql, Func<List<(Dictionary<string, string> Labels, double Value)>, bool> done)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var result = await prometheus.QueryAsync(promql);
            if (done(result))
            {
                return result;
            }

            Assert.True(DateTime.UtcNow < giveUp,
                $"{promql} gave {string.Join(", ", result.Select(r => r.Value.ToString(CultureInfo.InvariantCulture)))} after 60 s\n{prometheus.Output}");
            await Task.Delay(500);
        }
    }
}
