using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Contracts.V1;
using PriceIngest.Formats;
using PriceIngest.Integration.Tests.Api;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Security;

[Collection("postgres")]
#pragma warning disable CA1001 // the keys file is removed in DisposeAsync
public sealed class ApiKeyTests(PostgresFixture postgres) : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly KeysFile _keys = new();
    private SiloInstance _silo = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--api-keys", _keys.Path);
        _channel = GrpcChannel.ForAddress(_silo.GrpcAddress);
        using (Key(_keys.Admin))
        {
            await TestData.LoadReferenceAsync(_silo.Http);
        }
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _silo.DisposeAsync();
        _keys.Dispose();
    }

    [Theory]
    [InlineData("GET", "/rates?date_from=2016-01-01&date_to=2016-01-01&origin=CNSGH&destination=NLRTM")]
    [InlineData("POST", "/batches?id=anonymous")]
    [InlineData("GET", "/batches/anonymous")]
    [InlineData("PUT", "/ports")]
    [InlineData("GET", "/metrics")]
    [InlineData("GET", "/no-such-path")]
    public async Task Without_a_key_a_call_is_401_with_a_bearer_challenge(string method, string path)
    {
        var response = await _silo.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : TestData.Csv("x\n") });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"priceingest\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Authorization: Bearer KEY", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer pik_not-a-key-anyone-has")]
    [InlineData("Basic b3BzOnNlY3JldA==")]
    public async Task A_wrong_key_or_scheme_is_401_invalid_token(string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/batches/x");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await _silo.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_endpoints_stay_open()
    {
        Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync("/health/ready")).StatusCode);
        var health = await new global::Grpc.Health.V1.Health.HealthClient(_channel).CheckAsync(new());
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    private const string ExchangeRate = "day,currency,rate\n2016-06-01,CHF,0.97\n";

    [Fact]
    public async Task Each_role_reaches_what_it_may_and_a_403_names_the_role_needed()
    {
        const string rates = "/rates?date_from=2016-01-01&date_to=2016-01-01&origin=CNSGH&destination=NLRTM";
        using (Key(_keys.Reader))
        {
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync(rates)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync("/ports")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync("/regions")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync("/exchange-rates?day=2016-01-01")).StatusCode);
            await AssertForbiddenAsync(await _silo.Http.PutAsync("/exchange-rates", TestData.Csv(ExchangeRate)), "admin", "etl-reader", "read");
            await AssertForbiddenAsync(await _silo.Http.PostAsync("/batches?id=by-reader", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 5)])), "ingest", "etl-reader", "read");
        }

        using (Key(_keys.Ingester))
        {
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.PostAsync("/batches?id=by-loader", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 5)]))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync("/batches/by-loader")).StatusCode);
            await AssertForbiddenAsync(await _silo.Http.PutAsync("/ports", TestData.Csv(TestData.Ports)), "admin", "etl-loader", "ingest");
            await AssertForbiddenAsync(await _silo.Http.GetAsync("/metrics"), "admin", "etl-loader", "ingest");
            await AssertForbiddenAsync(await _silo.Http.PutAsync("/exchange-rates", TestData.Csv(ExchangeRate)), "admin", "etl-loader", "ingest");
        }

        using (Key(_keys.Admin))
        {
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.PutAsync("/ports", TestData.Csv(TestData.Ports))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync("/metrics")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync(rates)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.PutAsync("/exchange-rates", TestData.Csv(ExchangeRate))).StatusCode);
        }

        Assert.Equal(0, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from batches where id = 'by-reader'"));
        Assert.Equal(1, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from exchange_rates where day = '2016-06-01' and currency = 'CHF'"));
    }

    [Fact]
    public async Task Grpc_calls_without_a_key_are_unauthenticated_and_a_short_role_is_permission_denied()
    {
        var ingest = new IngestService.IngestServiceClient(_channel);
        var submit = new SubmitBatchRequest { Header = new BatchHeader { BatchId = "grpc-keys" }, Items = { Item("CNSGH", "NLRTM", "2016-01-01", 7) } };

        var anonymous = await Assert.ThrowsAsync<RpcException>(async () => await ingest.SubmitBatchAsync(submit));
        Assert.Equal((StatusCode.Unauthenticated, "no API key: send 'Authorization: Bearer KEY'"), (anonymous.StatusCode, anonymous.Status.Detail));

        var reader = await Assert.ThrowsAsync<RpcException>(async () => await ingest.SubmitBatchAsync(submit, Bearer(_keys.Reader)));
        Assert.Equal((StatusCode.PermissionDenied, "this call needs the 'ingest' role; key 'etl-reader' has 'read'"), (reader.StatusCode, reader.Status.Detail));
        var streamed = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(_channel, "grpc-keys", [[Item("CNSGH", "NLRTM", "2016-01-01", 7)]], new CallOptions(Bearer(_keys.Reader))));
        Assert.Equal(StatusCode.PermissionDenied, streamed.StatusCode);

        Assert.Equal(BatchStatus.Committed, (await ingest.SubmitBatchAsync(submit, Bearer(_keys.Ingester))).Status);
        Assert.Equal(BatchStatus.Committed, (await ingest.GetBatchAsync(new GetBatchRequest { BatchId = "grpc-keys" }, Bearer(_keys.Reader))).Status);
        var rates = await new PriceService.PriceServiceClient(_channel).GetRatesAsync(
            new RatesRequest { DateFrom = "2016-01-01", DateTo = "2016-01-01", Origin = "CNSGH", Destination = "NLRTM" }, Bearer(_keys.Reader));
        Assert.Equal(1, rates.Days[0].Count);
    }

    [Fact]
    public async Task A_key_added_to_the_file_works_and_a_removed_one_is_refused_without_a_restart()
    {
        var (fresh, line) = ApiKeyFile.Mint("new-reader", ApiRole.Read);
        var admin = ApiKeyFile.Mint("ops", ApiRole.Admin).Line.Replace("ops,", "unused,", StringComparison.Ordinal);
        _keys.Write(line + "\n" + admin + "\n");

        Assert.True(await RatesApi.EventuallyAsync(async () => await StatusWithAsync(fresh) == HttpStatusCode.NotFound, TimeSpan.FromSeconds(10)),
            "the key added to the file was still refused after 10 s");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(_keys.Reader));

        // A broken edit keeps the keys in force.
        _keys.Write("this is not a keys file\n");
        await Task.Delay(500);
        Assert.Equal(HttpStatusCode.NotFound, await StatusWithAsync(fresh));
    }

    private async Task<HttpStatusCode> StatusWithAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/batches/never-sent");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (await _silo.Http.SendAsync(request)).StatusCode;
    }

    private static Metadata Bearer(string key) => [new("authorization", "Bearer " + key)];

    private static async Task AssertForbiddenAsync(HttpResponseMessage response, string needed, string name, string has)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"expected 403, got {(int)response.StatusCode}: {text}");
        Assert.Equal($"this call needs the '{needed}' role; key '{name}' has '{has}'", JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString());
    }

    private IDisposable Key(string key) => KeysFile.Use(_silo.Http, key);
}
