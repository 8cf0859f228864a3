using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PriceIngest.Contracts.V1;
using Grpc.Net.Client;
using Grpc.Core;
using Grpc.Health.V1;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>PriceService.GetRates and health with our client: the same answers as REST for the same query.</summary>
[Collection("postgres")]
public sealed class GrpcRatesTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly string[] Ports = ["NLRTM", "DEHAM", "ESBCN", "CNSGH", "CNNBO"];

    private SiloInstance _silo = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Commits:MaxWait=00:00:01");
        await TestData.LoadReferenceAsync(_silo.Http);
        _channel = GrpcChannel.ForAddress(_silo.GrpcAddress);

        // 600 prices over 10 days of January 2016 on all 20 lanes: days with 0 to many prices per place pair.
        var random = new Random(42);
        var rows = Enumerable.Range(0, 600).Select(_ =>
        {
            var origin = Ports[random.Next(Ports.Length)];
            var destination = Ports.Where(p => p != origin).ElementAt(random.Next(Ports.Length - 1));
            return (origin, destination, $"2016-01-{random.Next(1, 11):00}", (long)random.Next(1, 5000));
        });
        (await _silo.Http.PostAsync("/batches?id=seed", TestData.PricesCsv(rows))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _silo.DisposeAsync();
    }

    private Task<RatesReply> GetRatesAsync(string origin, string destination, string from, string to, int? minCount = null, long? minCommitSeq = null)
    {
        var request = new RatesRequest { Origin = origin, Destination = destination, DateFrom = from, DateTo = to };
        if (minCount is { } count)
        {
            request.MinCount = count;
        }

        if (minCommitSeq is { } seq)
        {
            request.MinCommitSeq = seq;
        }

        return new PriceService.PriceServiceClient(_channel).GetRatesAsync(request).ResponseAsync;
    }

    [Theory]
    [InlineData("CNSGH", "NLRTM")]
    [InlineData("asia", "north_europe")]
    [InlineData("CNSGH", "europe")]
    [InlineData("world", "world")]
    [InlineData("med", "CNNBO")]
    public async Task Rates_equal_the_rest_answer_for_the_same_query(string origin, string destination)
    {
        var rest = await _silo.Http.GetFromJsonAsync<JsonElement>(
            $"/rates?date_from=2015-12-30&date_to=2016-01-12&origin={origin}&destination={destination}&include_count=true");

        var reply = await GetRatesAsync(origin, destination, "2015-12-30", "2016-01-12");

        var expected = rest.EnumerateArray().Select(d => (
            d.GetProperty("day").GetString()!,
            d.GetProperty("average_price").ValueKind == JsonValueKind.Null ? (long?)null : d.GetProperty("average_price").GetInt64(),
            d.GetProperty("count").GetInt32())).ToList();
        var actual = reply.Days.Select(d => (d.Day, d.HasAveragePrice ? d.AveragePrice : (long?)null, d.Count)).ToList();
        Assert.Equal(14, actual.Count);
        Assert.Equal(expected, actual);
        Assert.Contains(actual, d => d.Item2 is not null);
    }

    [Fact]
    public async Task Min_count_sets_how_many_prices_a_day_needs_for_an_average()
    {
        var submit = new SubmitBatchRequest { Header = new BatchHeader { BatchId = "few" } };
        submit.Items.Add([Item("ESBCN", "CNNBO", "2016-03-01", 10), Item("ESBCN", "CNNBO", "2016-03-02", 10), Item("ESBCN", "CNNBO", "2016-03-02", 21)]);
        var receipt = await new IngestService.IngestServiceClient(_channel).SubmitBatchAsync(submit);

        var byDefault = await GetRatesAsync("ESBCN", "CNNBO", "2016-03-01", "2016-03-03", minCommitSeq: receipt.CommitSeq);
        var one = await GetRatesAsync("ESBCN", "CNNBO", "2016-03-01", "2016-03-03", minCount: 1, minCommitSeq: receipt.CommitSeq);
        var two = await GetRatesAsync("ESBCN", "CNNBO", "2016-03-01", "2016-03-03", minCount: 2, minCommitSeq: receipt.CommitSeq);

        Assert.All(byDefault.Days, d => Assert.False(d.HasAveragePrice));
        Assert.Equal([1, 2, 0], byDefault.Days.Select(d => d.Count));
        Assert.Equal([(true, 10L), (true, 16L), (false, 0L)], one.Days.Select(d => (d.HasAveragePrice, d.AveragePrice)));
        Assert.Equal([false, true, false], two.Days.Select(d => d.HasAveragePrice));
    }

    [Fact]
    public async Task Min_commit_seq_reads_your_own_write_and_an_unreached_one_is_unavailable()
    {
        var receipt = await UploadAsync(_channel, "ryw", [[.. Enumerable.Range(0, 5).Select(i => Item("CNNBO", "ESBCN", "2016-04-01", 700))]]);

        var reply = await GetRatesAsync("CNNBO", "ESBCN", "2016-04-01", "2016-04-01", minCommitSeq: receipt.CommitSeq);

        Assert.Equal((700L, 5), (reply.Days.Single().AveragePrice, reply.Days.Single().Count));
        var e = await Assert.ThrowsAsync<RpcException>(() => GetRatesAsync("CNNBO", "ESBCN", "2016-04-01", "2016-04-01", minCommitSeq: receipt.CommitSeq + 1000));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains((receipt.CommitSeq + 1000).ToString(CultureInfo.InvariantCulture), e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CNSGH", "NLRTM", "2016-02-30", "2016-03-01", null, "date_from")]
    [InlineData("CNSGH", "NLRTM", "2016-03-02", "2016-03-01", null, "date_from")]
    [InlineData("CNSGH", "NLRTM", "2016-01-01", "2018-01-01", null, "date_to")]
    [InlineData("CNSGH", "NLRTM", "2016-01-01", "", null, "date_to")]
    [InlineData("", "NLRTM", "2016-01-01", "2016-01-02", null, "origin")]
    [InlineData("CNSGH", "NLRTM", "2016-01-01", "2016-01-02", 0, "min_count")]
    public async Task Invalid_query_is_invalid_argument_naming_the_field(string origin, string destination, string from, string to, int? minCount, string field)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => GetRatesAsync(origin, destination, from, to, minCount));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(field, e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nowhere", "NLRTM", "origin 'nowhere'")]
    [InlineData("CNSGH", "XXXXX", "destination 'XXXXX'")]
    public async Task Unknown_place_is_not_found_naming_it(string origin, string destination, string named)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => GetRatesAsync(origin, destination, "2016-01-01", "2016-01-02"));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.StartsWith(named, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_check_is_serving_for_the_server_and_both_services()
    {
        foreach (var service in new[] { string.Empty, IngestService.Descriptor.FullName, PriceService.Descriptor.FullName })
        {
            var status = HealthCheckResponse.Types.ServingStatus.Unknown;
            for (var i = 0; i < 100 && status != HealthCheckResponse.Types.ServingStatus.Serving; i++)
            {
                status = (await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest { Service = service })).Status;
                await Task.Delay(status == HealthCheckResponse.Types.ServingStatus.Serving ? 0 : 100);
            }

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
        }

        var unknown = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest { Service = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Rest_answers_only_on_its_port_and_grpc_only_on_its_own()
    {
        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var restOnGrpcPort = await h2c.GetAsync(new Uri(_silo.GrpcAddress, "/health/ready"));
        using var grpcOnRestPort = GrpcChannel.ForAddress(_silo.Http.BaseAddress!);
        var e = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(grpcOnRestPort).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(HttpStatusCode.NotFound, restOnGrpcPort.StatusCode);
        Assert.NotEqual(StatusCode.OK, e.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync("/health/ready")).StatusCode);
    }
}
