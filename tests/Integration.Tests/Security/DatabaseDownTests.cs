using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using PriceIngest.EmbeddedPostgres;
using PriceIngest.Integration.Tests.Api;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Security;

/// <summary>With its PostgreSQL gone, a silo answers 503 with Retry-After on every call that needs it, warm reads from memory, and readiness is Degraded.</summary>
public sealed class DatabaseDownTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    // Directory.CreateDirectory's default mode lets the postgres account (the server's, when tests run as root) in.
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "priceingest-down-" + Guid.NewGuid().ToString("N"))).FullName;
    private PostgresServerOptions _options = null!;
    private PostgresServer _postgres = null!;
    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        _options = new PostgresServerOptions { Durable = false, DataDirectory = Path.Combine(_folder, "pg"), Port = SiloProcess.FreeLoopbackPort() };
        _postgres = await PostgresServer.StartAsync(_options);
        _silo = await SiloInstance.StartAsync(await _postgres.CreateDatabaseAsync("down"));
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync()
    {
        output.WriteLine($"{_clock.Elapsed.TotalSeconds:F1} s: stopping the silo");
        await _silo.DisposeAsync();
        output.WriteLine($"{_clock.Elapsed.TotalSeconds:F1} s: stopped");
        await _postgres.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Every_call_needing_the_database_is_503_with_retry_after_and_warm_lookups_still_answer()
    {
        await RatesApi.UploadAsync(_silo.Http, "before", [("CNSGH", "NLRTM", "2016-01-01", 10)]);
        var warm = await RatesApi.GetAsync(_silo.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-01");

        await _postgres.StopAsync();

        foreach (var (what, call) in new (string, Func<Task<HttpResponseMessage>>)[]
        {
            ("GET /batches/{id}", () => _silo.Http.GetAsync(new Uri("/batches/before", UriKind.Relative))),
            ("PUT /ports", () => _silo.Http.PutAsync(new Uri("/ports", UriKind.Relative), TestData.Csv(TestData.Ports))),
            ("PUT /regions", () => _silo.Http.PutAsync(new Uri("/regions", UriKind.Relative), TestData.Csv(TestData.Regions))),
            ("POST /batches", () => _silo.Http.PostAsync(new Uri("/batches?id=after", UriKind.Relative), TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 10)]))),
        })
        {
            var response = await call();
            output.WriteLine($"{_clock.Elapsed.TotalSeconds:F1} s: {what} {(int)response.StatusCode}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {body}");
            Assert.True(response.Headers.RetryAfter is not null, $"{what}: no Retry-After");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(warm, await RatesApi.GetAsync(_silo.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-01"));
        // Readiness is Degraded (200): warm lookups answer, so a load balancer keeps the silo.
        using (var ready = await _silo.Http.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
        }

        // gRPC health reads the same checks: Degraded is SERVING. Two health polls (2 s each) after the stop.
        await Task.Delay(TimeSpan.FromSeconds(5));
        using (var channel = GrpcChannel.ForAddress(_silo.GrpcAddress))
        {
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }

        // The database back: readiness and writes recover without a restart of the silo.
        _postgres = await PostgresServer.StartAsync(_options);
        Assert.True(await RatesApi.EventuallyAsync(async () => await Readiness.StatusAsync(_silo.Http) == "Healthy", TimeSpan.FromSeconds(30)),
            "the silo did not become ready again within 30 s of the database's return");
        await RatesApi.UploadAsync(_silo.Http, "after", [("CNSGH", "NLRTM", "2016-01-01", 20)]);
        Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync(new Uri("/batches/before", UriKind.Relative))).StatusCode);
        output.WriteLine($"{_clock.Elapsed.TotalSeconds:F1} s: recovered");
    }
}
