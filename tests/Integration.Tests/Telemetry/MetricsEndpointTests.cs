using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Telemetry;

[Collection("postgres")]
public sealed class MetricsEndpointTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>The product's series the alerts, the dashboard and the operations guide rely on.</summary>
    public static readonly string[] ProductSeries =
    [
        "priceingest_batches_total", "priceingest_batch_items_total", "priceingest_batch_size_bucket",
        "priceingest_batch_phase_duration_seconds_bucket", "priceingest_uploads_open", "priceingest_uploads_slots",
        "priceingest_lanes_active", "priceingest_lookups_total", "priceingest_lookup_duration_seconds_bucket",
        "priceingest_lookup_lanes_total", "priceingest_feed_lag", "priceingest_feed_lag_time_seconds", "priceingest_feed_watermark",
        "priceingest_db_up", "priceingest_db_size_bytes", "priceingest_db_prices_size_bytes", "priceingest_db_prices_segments",
        "priceingest_db_tuples_dead", "priceingest_db_tuples_live", "priceingest_db_connections", "priceingest_db_standbys",
        "priceingest_db_replication_lag_seconds",
    ];

    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Telemetry:Database:Interval=00:00:01");
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Scrape_counts_committed_and_rejected_batches_items_and_lookups_by_kind()
    {
        var before = await Scrape.OfAsync(_silo.Http);
        (await _silo.Http.PostAsync("/batches?id=m-ok", TestData.PricesCsv(TestData.RandomPrices(new Random(5), 40)))).EnsureSuccessStatusCode();
        var bad = await _silo.Http.PostAsync("/batches?id=m-bad", TestData.Csv("origin,destination,day,price\nNLRTM,XXXXX,2016-01-01,10\n"));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        (await _silo.Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-10&origin=CNSGH&destination=north_europe")).EnsureSuccessStatusCode();
        (await _silo.Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-10&origin=asia&destination=europe")).EnsureSuccessStatusCode();

        var after = await Scrape.OfAsync(_silo.Http);

        Assert.Equal(1, Delta("priceingest_batches_total", ("outcome", "committed")));
        Assert.Equal(1, Delta("priceingest_batches_total", ("outcome", "rejected"), ("reason", "invalid_items")));
        Assert.Equal(40, Delta("priceingest_batch_items_total"));
        Assert.Equal(1, Delta("priceingest_batch_size_count"));
        Assert.Equal(1, Delta("priceingest_lookups_total", ("kind", "port_region"), ("outcome", "ok")));
        Assert.Equal(1, Delta("priceingest_lookups_total", ("kind", "region_region"), ("outcome", "ok")));
        Assert.Equal(2, Delta("priceingest_lookup_duration_seconds_count"));

        // CNSGH -> 2 ports and 2 x 3 region lanes: 8 lanes summed, from the cache or loaded.
        Assert.Equal(8, Delta("priceingest_lookup_lanes_total"));

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
    }

    [Fact]
    public async Task Scrape_has_every_product_series_and_the_database_statistics()
    {
        (await _silo.Http.PostAsync("/batches?id=m-db", TestData.PricesCsv(TestData.RandomPrices(new Random(6), 25)))).EnsureSuccessStatusCode();
        (await _silo.Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-10&origin=NLRTM&destination=CNSGH")).EnsureSuccessStatusCode();

        // The database is read every second here: wait for a reading that includes the commit.
        var scrape = await Scrape.OfAsync(_silo.Http);
        for (var tries = 0; tries < 50 && scrape.Sum("priceingest_db_prices_segments") < 1; tries++)
        {
            await Task.Delay(200);
            scrape = await Scrape.OfAsync(_silo.Http);
        }

        Assert.Empty(ProductSeries.Except(scrape.Names));
        Assert.Equal(1, scrape.Sum("priceingest_db_up"));
        Assert.True(scrape.Sum("priceingest_db_prices_size_bytes") > 0);
        Assert.True(scrape.Sum("priceingest_db_size_bytes") > scrape.Sum("priceingest_db_prices_size_bytes"));
        Assert.True(scrape.Sum("priceingest_db_connections") >= 1);
        Assert.Equal(32, scrape.Sum("priceingest_uploads_slots"));
        Assert.Equal(0, scrape.Sum("priceingest_feed_lag"));
    }

    [Fact]
    public async Task Scrape_carries_orleans_aspnetcore_npgsql_runtime_and_process_meters()
    {
        (await _silo.Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-02&origin=NLRTM&destination=CNSGH")).EnsureSuccessStatusCode();

        var names = (await Scrape.OfAsync(_silo.Http)).Names.ToList();

        Assert.Contains(names, n => n.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains("http_server_request_duration_seconds_count", names);
        Assert.Contains("kestrel_active_connections", names);
        Assert.Contains("db_client_operation_duration_seconds_count", names);
        Assert.Contains("dotnet_gc_collections_total", names);
        Assert.Contains("process_cpu_time_seconds_total", names);
    }

    [Fact]
    public async Task Promtool_finds_no_lint_in_the_products_own_metrics()
    {
        (await _silo.Http.PostAsync("/batches?id=m-lint", TestData.PricesCsv(TestData.RandomPrices(new Random(7), 10)))).EnsureSuccessStatusCode();
        var scrape = await Scrape.OfAsync(_silo.Http);

        var (_, output) = await Promtool.RunAsync(scrape.Text, "check", "metrics");

        // Orleans's and the runtime's own names draw findings (milliseconds, "_count" gauges); ours must not.
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("priceingest_", StringComparison.Ordinal));
        Assert.Contains("priceingest_batches_total", scrape.Text, StringComparison.Ordinal);
    }
}
