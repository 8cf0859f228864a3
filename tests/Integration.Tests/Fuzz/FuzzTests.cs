using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Contracts.V1;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using Xunit.Abstractions;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Fuzz;

/// <summary>
/// Thousands of seeded malformed inputs against a real silo's REST and gRPC surface (codecs
/// included): none may get a 5xx or an unexpected-failure status, none may write anything, and the
/// silo must stay ready. Each body carries at least one item that can never be valid, so a mutation
/// that happens to be well-formed is still a rejection. Bounded in count and time; the seed is
/// PRICEINGEST_FUZZ_SEED, or a fixed one, printed so a failure can be replayed.
/// </summary>
[Collection("postgres")]
#pragma warning disable CA1001 // the client is disposed in DisposeAsync
public sealed class FuzzTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(25);
    private const string UnexpectedFailure = "an unexpected error occurred";
    private const string CsvBatch = "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,100\n\"CNSGH\",\"DEHAM\",2016-01-02,250\nCNNBO,ESBCN,2016-03-01,7\n";
    private const string NdjsonBatch = """
        {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":100}
        {"origin":"CNNBO","destination":"DEHAM","day":"2016-01-02","price":250}

        """;

    private readonly int _seed = int.TryParse(Environment.GetEnvironmentVariable("PRICEINGEST_FUZZ_SEED"), out var seed) ? seed : 20261203;
    private SiloInstance _silo = null!;
    private HttpClient _h2c = null!;
    private string _referenceBefore = "";

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Ingest:MaxReportedErrors=20", "--Rest:MaxBatchBodyBytes=65536");
        await TestData.LoadReferenceAsync(_silo.Http);
        _h2c = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        _referenceBefore = await ReferenceAsync();
        output.WriteLine($"seed {_seed} (PRICEINGEST_FUZZ_SEED)");
    }

    public async Task DisposeAsync()
    {
        // Whatever a test sent: nothing written, reference data as it was, the silo still ready.
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from batches where state = 'committed'"));
        Assert.Equal(_referenceBefore, await ReferenceAsync());
        Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync("/health/ready")).StatusCode);
        _h2c.Dispose();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Malformed_batch_bodies_over_rest_are_4xx_and_write_nothing()
    {
        var fuzz = new Mutations(_seed);
        var statuses = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();
        var i = 0;
        for (; i < 3_000 && clock.Elapsed < Budget; i++)
        {
            var csv = fuzz.Random.Next(2) == 0;
            var body = fuzz.Random.Next(10) == 0 ? fuzz.Garbage(4096)
                : [.. fuzz.Mutate(Encoding.UTF8.GetBytes(csv ? CsvBatch : NdjsonBatch)),
                   .. Encoding.UTF8.GetBytes(csv ? "\nXXXXX,NLRTM,2016-01-01,5\n" : "\n{\"origin\":\"XXXXX\",\"destination\":\"NLRTM\",\"day\":\"2016-01-01\",\"price\":5}\n")];
            using var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", fuzz.Random.Next(20) == 0 ? Ascii(fuzz.Text(30)) : csv ? "text/csv" : "application/x-ndjson");
            if (fuzz.Random.Next(20) == 0)
            {
                content.Headers.ContentEncoding.Add(fuzz.Pick("gzip", "deflate", "br", "x"));
            }

            var id = fuzz.Random.Next(10) == 0 ? Uri.EscapeDataString(fuzz.Text(140)) : $"fuzz-{i}";
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/batches?id={id}") { Content = content };
            if (fuzz.Random.Next(10) == 0)
            {
                request.Headers.TryAddWithoutValidation("X-Batch-Source", Ascii(fuzz.Text(40)) + new string('s', fuzz.Pick(0, 300)));
            }

            using var response = await _silo.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is 400 or 413 or 415 or 422, $"input {i} (seed {_seed}) got {status}: {await response.Content.ReadAsStringAsync()}");
        }

        output.WriteLine($"{i} bodies in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}");
        Assert.True(i >= 500, $"only {i} inputs in the time budget");
    }

    [Fact]
    public async Task Malformed_upload_streams_over_grpc_end_with_a_contract_status_and_write_nothing()
    {
        var fuzz = new Mutations(_seed + 1);
        var statuses = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        var valid = Items([Item("CNSGH", "NLRTM", "2016-01-01", 100), Item("CNNBO", "DEHAM", "2016-01-02", 250)]).ToByteArray();
        var invalid = Frame(Items([Item("XXXXX", "NLRTM", "2016-01-01", 5)]).ToByteArray());
        var i = 0;
        for (; i < 2_000 && clock.Elapsed < Budget; i++)
        {
            var header = Header($"g-fuzz-{i}").ToByteArray();
            byte[] stream = fuzz.Random.Next(5) switch
            {
                0 => fuzz.Garbage(512),
                1 => [.. Frame(fuzz.Mutate(header)), .. Frame(valid), .. invalid],
                2 => [.. fuzz.Mutate([.. Frame(header), .. Frame(valid)]), .. invalid],
                _ => [.. Frame(header), .. Frame(fuzz.Mutate(valid)), .. invalid],
            };
            var (code, message) = await PostGrpcAsync(stream);
            statuses[code] = statuses.GetValueOrDefault(code) + 1;
            Assert.True(code is not ("2" or "14") && !message.Contains(UnexpectedFailure, StringComparison.Ordinal),
                $"input {i} (seed {_seed + 1}) got grpc-status {code}: {message}");
        }

        output.WriteLine($"{i} streams in {clock.Elapsed.TotalSeconds:0.0} s, grpc-status: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}");
        Assert.True(i >= 300, $"only {i} inputs in the time budget");
    }

    [Fact]
    public async Task Malformed_lookups_and_reference_uploads_are_4xx_never_5xx()
    {
        var fuzz = new Mutations(_seed + 2);
        using var channel = GrpcChannel.ForAddress(_silo.GrpcAddress);
        var prices = new PriceService.PriceServiceClient(channel);
        var clock = Stopwatch.StartNew();
        var i = 0;
        for (; i < 3_000 && clock.Elapsed < Budget; i++)
        {
            var parameters = Enumerable.Range(0, fuzz.Random.Next(7)).Select(_ =>
                $"{fuzz.Pick("date_from", "date_to", "origin", "destination", "include_count", "min_commit_seq", "x", "")}={Uri.EscapeDataString(fuzz.Text(40))}");
            using (var response = await _silo.Http.GetAsync("/rates?" + string.Join('&', parameters)))
            {
                Assert.True((int)response.StatusCode is 200 or 400 or 404, $"rates {i} (seed {_seed + 2}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            try
            {
                await prices.GetRatesAsync(new RatesRequest { DateFrom = fuzz.Text(20), DateTo = fuzz.Text(20), Origin = fuzz.Text(30), Destination = fuzz.Text(30) });
            }
            catch (RpcException e)
            {
                Assert.True(e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound, $"GetRates {i} (seed {_seed + 2}): {e.Status}");
            }

            if (i % 5 == 0)
            {
                var ports = fuzz.Random.Next(2) == 0;
                var body = fuzz.Mutate(Encoding.UTF8.GetBytes(ports ? TestData.Ports : TestData.Regions));
                using var content = new ByteArrayContent([.. body, .. Encoding.UTF8.GetBytes(ports ? "\nbad code!,Nowhere,asia\n" : "\nBad Slug!,Nowhere,world\n")]);
                content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                using var response = await _silo.Http.PutAsync(ports ? "/ports?replace=true" : "/regions?replace=true", content);
                Assert.True((int)response.StatusCode is 400 or 409 or 413 or 415, $"reference {i} (seed {_seed + 2}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        output.WriteLine($"{i} lookups (REST and gRPC) and {(i + 4) / 5} reference uploads in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(i >= 300, $"only {i} inputs in the time budget");
    }

    private async Task<(string Code, string Message)> PostGrpcAsync(byte[] body)
    {
        using var request = RawUploadRequest(_silo.GrpcAddress, new ByteArrayContent(body));
        using var response = await _h2c.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string Value(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.Single()
            : response.Headers.TryGetValues(name, out var header) ? header.Single() : "";
        return (Value("grpc-status"), Uri.UnescapeDataString(Value("grpc-message")));
    }

    private static string Ascii(string text) => new([.. text.Select(c => c is >= ' ' and < (char)127 ? c : '?')]);

    private Task<string> ReferenceAsync() => Sql.ScalarAsync<string>(_silo.ConnectionString, """
        select (select string_agg(id || ':' || code || ':' || name || ':' || region_slug, ',' order by code) from ports) || '|' ||
               (select string_agg(slug || ':' || name || ':' || coalesce(parent_slug, ''), ',' order by slug) from regions)
        """);
}
