using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

/// <summary>
/// With ExchangeRates:AppId set, days the table lacks are fetched from an openexchangerates-compatible
/// service (here a local one on loopback serving files in its format), kept, and never guessed.
/// </summary>
[Collection("postgres")]
public sealed class ExchangeRateFetchTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string AppId = "test-app-id-5f1c";

    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication _rates = null!;
    private string _address = null!;
    private SiloInstance _silo = null!;

    private HttpClient Http => _silo.Http;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _rates = builder.Build();
        _rates.MapGet("/api/historical/{file}", async (string file, HttpContext context) =>
        {
            _requests.Enqueue($"{file}?{context.Request.QueryString.Value?.TrimStart('?')}");
            if (file == "2016-01-05.json")
            {
                // Longer than FetchTimeout: each attempt is cut off.
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.StatusCode(504);
            }

            return file switch
            {
                "2016-01-01.json" => Results.Text("""{"disclaimer":"test","base":"USD","timestamp":1451692799,"rates":{"EUR":0.920135,"GBP":0.678421,"USD":1,"XYZ":3}}""", "application/json"),
                "2016-01-02.json" => Results.Text("""{"base":"USD","rates":{"GBP":0.68}}""", "application/json"),
                "2016-01-03.json" => Results.StatusCode(503),
                _ => Results.NotFound(),
            };
        });
        await _rates.StartAsync();
        var address = _address = _rates.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        // BaseUrl without its final slash, as a user may well write it: ".../api" still means ".../api/historical/...".
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(),
            $"--ExchangeRates:AppId={AppId}", $"--ExchangeRates:BaseUrl={address}/api", "--ExchangeRates:FetchTimeout=00:00:01", "--ExchangeRates:FetchAttempts=3");
        await TestData.LoadReferenceAsync(Http);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _rates.DisposeAsync();
    }

    [Fact]
    public async Task A_missing_day_is_fetched_once_kept_in_the_table_and_used()
    {
        var first = await Http.PostAsync("/batches?id=fetch-1", TestData.Csv("""
            origin,destination,day,price,currency
            CNSGH,NLRTM,2016-01-01,1000,EUR
            CNSGH,NLRTM,2016-01-01,1001,EUR
            """));
        var second = await Http.PostAsync("/batches?id=fetch-2", TestData.Csv("origin,destination,day,price,currency\nCNSGH,NLRTM,2016-01-01,100,GBP\n"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal([$"2016-01-01.json?app_id={AppId}"], _requests);
        // 1000 / 0.920135 = 1086.797 -> 1087; 1001 -> 1087.88 -> 1088; 100 GBP / 0.678421 = 147.4 -> 147.
        Assert.Equal("147,1087,1088", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select string_agg(price::text, ',' order by price) from prices"));
        var kept = await Http.GetFromJsonAsync<JsonElement>("/exchange-rates?day=2016-01-01");
        Assert.Equal([("EUR", 0.920135m), ("GBP", 0.678421m)], kept.EnumerateArray().Select(r => (r.GetProperty("currency").GetString(), r.GetProperty("rate").GetDecimal())));
    }

    [Fact]
    public async Task A_rate_already_in_the_table_is_never_replaced_by_a_fetched_one()
    {
        (await Http.PutAsync("/exchange-rates", TestData.Csv("day,currency,rate\n2016-01-01,EUR,0.5\n"))).EnsureSuccessStatusCode();

        var response = await Http.PostAsync("/batches?id=own-rate", TestData.Csv("origin,destination,day,price,currency\nCNSGH,NLRTM,2016-01-01,10,EUR\nCNSGH,NLRTM,2016-01-01,10,GBP\n"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("15,20", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select string_agg(price::text, ',' order by price) from prices"));
        Assert.Equal("0.5", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select rate::text from exchange_rates where day = '2016-01-01' and currency = 'EUR'"));
    }

    [Fact]
    public async Task A_day_the_service_fails_or_lacks_rejects_the_batch_with_the_reason_and_writes_nothing()
    {
        var response = await Http.PostAsync("/batches?id=fetch-fails", TestData.Csv("""
            origin,destination,day,price,currency
            CNSGH,NLRTM,2016-01-03,10,EUR
            CNSGH,NLRTM,2016-01-02,10,EUR
            CNSGH,NLRTM,2016-01-04,10,EUR
            CNSGH,NLRTM,2016-01-03,10,EUR
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt64(), e.GetProperty("reason").GetString()!)).ToList();
        var unavailable = $"no exchange rate for EUR on 2016-01-03: fetching that day's rates failed: {_address}/api/historical/2016-01-03.json answered 503 Service Unavailable";
        Assert.Equal(
        [
            (0L, unavailable),
            (1L, "no exchange rate for EUR on 2016-01-02 (add it with PUT /exchange-rates)"),
            (2L, $"no exchange rate for EUR on 2016-01-04: fetching that day's rates failed: {_address}/api/historical/2016-01-04.json answered 404 Not Found"),
            (3L, unavailable),
        ], errors);
        // 503 is tried FetchAttempts times, 404 once; each day only in one upload's first need of it.
        Assert.Equal(3, _requests.Count(r => r.StartsWith("2016-01-03", StringComparison.Ordinal)));
        Assert.Equal(1, _requests.Count(r => r.StartsWith("2016-01-04", StringComparison.Ordinal)));
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
        Assert.DoesNotContain(AppId, string.Join('\n', errors.Select(e => e.Item2)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_does_not_answer_in_time_rejects_the_batch_after_each_attempt_times_out()
    {
        var response = await Http.PostAsync("/batches?id=fetch-slow", TestData.Csv("origin,destination,day,price,currency\nCNSGH,NLRTM,2016-01-05,10,EUR\n"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var reason = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("reason").GetString();
        Assert.Equal($"no exchange rate for EUR on 2016-01-05: fetching that day's rates failed: {_address}/api/historical/2016-01-05.json did not answer within 1 s (3 attempts)", reason);
        Assert.Equal(3, _requests.Count(r => r.StartsWith("2016-01-05", StringComparison.Ordinal)));
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }
}
