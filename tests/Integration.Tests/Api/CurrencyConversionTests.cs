using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Net.Client;
using PriceIngest.Contracts.V1;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Api;

/// <summary>
/// Items in other currencies, on every upload path: stored as round(price / rate of the item's own day)
/// half away from zero, whole USD; a missing rate or unknown currency rejects the batch as a whole.
/// </summary>
[Collection("postgres")]
public sealed class CurrencyConversionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string StoredPrices = "select coalesce(string_agg(day || ':' || price, ',' order by day, price), '') from prices";

    private SiloInstance _silo = null!;
    private GrpcChannel _channel = null!;

    private HttpClient Http => _silo.Http;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Ingest:MaxPrice=1000");
        await TestData.LoadReferenceAsync(Http);
        (await Http.PutAsync("/exchange-rates", TestData.Csv("""
            day,currency,rate
            2016-01-01,EUR,2
            2016-01-02,EUR,0.8
            2016-01-01,GBP,0.5
            2016-01-01,JPY,120
            """))).EnsureSuccessStatusCode();
        _channel = GrpcChannel.ForAddress(_silo.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Csv_prices_in_euros_are_stored_in_whole_usd_at_the_rate_of_their_own_day()
    {
        var response = await Http.PostAsync("/batches?id=eur-csv", TestData.Csv("""
            origin,destination,day,price,currency
            CNSGH,NLRTM,2016-01-01,3,EUR
            CNSGH,NLRTM,2016-01-01,5,EUR
            CNSGH,NLRTM,2016-01-02,100,EUR
            CNSGH,NLRTM,2016-01-02,7,
            CNSGH,NLRTM,2016-01-02,9,USD
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("committed", receipt.GetProperty("status").GetString());
        Assert.Equal("""{"EUR":3}""", receipt.GetProperty("converted").GetRawText());
        // 3/2 = 1.5 -> 2 and 5/2 = 2.5 -> 3 (half away from zero); 100/0.8 = 125; USD is stored as sent.
        Assert.Equal("2016-01-01:2,2016-01-01:3,2016-01-02:7,2016-01-02:9,2016-01-02:125", await Sql.ScalarAsync<string>(_silo.ConnectionString, StoredPrices));

        var retry = await Http.PostAsync("/batches?id=eur-csv", TestData.Csv("origin,destination,day,price,currency\nCNSGH,NLRTM,2016-01-01,999,EUR\n"));
        var again = await retry.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(receipt.GetProperty("commit_seq").GetInt64(), again.GetProperty("commit_seq").GetInt64());
        Assert.Equal("""{"EUR":3}""", again.GetProperty("converted").GetRawText());
        var status = await Http.GetFromJsonAsync<JsonElement>("/batches/eur-csv");
        Assert.Equal("""{"EUR":3}""", status.GetProperty("converted").GetRawText());
        Assert.Equal(5, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Ndjson_items_name_their_currency_and_the_receipt_counts_each_one_converted()
    {
        var response = await Http.PostAsync("/batches?id=mixed-nd", TestData.Ndjson("""
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":10,"currency":"GBP"}
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":600,"currency":"JPY"}
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":660,"currency":"JPY"}
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":40,"currency":null}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"GBP":1,"JPY":2}""", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("converted").GetRawText());
        // 10 GBP / 0.5 = 20; 600 JPY / 120 = 5; 660 / 120 = 5.5 -> 6.
        Assert.Equal("2016-01-01:5,2016-01-01:6,2016-01-01:20,2016-01-01:40", await Sql.ScalarAsync<string>(_silo.ConnectionString, StoredPrices));
        var rates = await Http.GetFromJsonAsync<JsonElement>("/rates?date_from=2016-01-01&date_to=2016-01-01&origin=CNSGH&destination=NLRTM");
        Assert.Equal(18, rates[0].GetProperty("average_price").GetInt64()); // (5 + 6 + 20 + 40) / 4 = 17.75
    }

    [Fact]
    public async Task A_usd_only_receipt_has_no_converted_counts()
    {
        var response = await Http.PostAsync("/batches?id=usd", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 100)]));

        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("committed", receipt.GetProperty("status").GetString());
        Assert.False(receipt.TryGetProperty("converted", out _));
    }

    [Fact]
    public async Task A_missing_rate_or_unknown_currency_rejects_the_batch_naming_the_currency_and_day_and_writes_nothing()
    {
        var response = await Http.PostAsync("/batches?id=no-rate", TestData.Csv("""
            origin,destination,day,price,currency
            CNSGH,NLRTM,2016-01-01,3,EUR
            CNSGH,NLRTM,2016-01-03,3,EUR
            CNSGH,NLRTM,2016-01-01,3,CNY
            CNSGH,NLRTM,2016-01-01,3,eur
            CNSGH,NLRTM,2016-01-01,3,EURO
            CNSGH,NLRTM,2016-01-02,3,EUX
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var rejection = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, rejection.GetProperty("invalid_items").GetInt64());
        Assert.Equal(
        [
            (1L, "currency", "EUR", "no exchange rate for EUR on 2016-01-03 (add it with PUT /exchange-rates)"),
            (2L, "currency", "CNY", "no exchange rate for CNY on 2016-01-01 (add it with PUT /exchange-rates)"),
            (3L, "currency", "eur", "unknown currency 'eur' on 2016-01-01: not an ISO 4217 currency code (e.g. EUR)"),
            (4L, "currency", "EURO", "unknown currency 'EURO' on 2016-01-01: not an ISO 4217 currency code (e.g. EUR)"),
            (5L, "currency", "EUX", "unknown currency 'EUX' on 2016-01-02: not an ISO 4217 currency code (e.g. EUR)"),
        ],
            rejection.GetProperty("errors").EnumerateArray().Select(e =>
                (e.GetProperty("index").GetInt64(), e.GetProperty("field").GetString(), e.GetProperty("value").GetString(), e.GetProperty("reason").GetString())));
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task The_price_limits_apply_to_the_converted_value()
    {
        var response = await Http.PostAsync("/batches?id=limits", TestData.Ndjson("""
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":1900,"currency":"EUR"}
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":600,"currency":"GBP"}
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":59,"currency":"JPY"}
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt64(), e.GetProperty("field").GetString(), e.GetProperty("reason").GetString())).ToList();
        // 1900 EUR at 2 is 950 USD: within Ingest:MaxPrice=1000 although 1900 is not.
        Assert.Equal(
        [
            (1L, "price", "price must be a whole number of USD from 1 to 1000; 600 GBP at 0.5 GBP per USD on 2016-01-01 is 1200 USD"),
            (2L, "price", "price must be a whole number of USD from 1 to 1000; 59 JPY at 120 JPY per USD on 2016-01-01 is 0 USD"),
        ], errors);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Post_prices_converts_each_day_of_the_range_with_that_days_rate()
    {
        var response = await Http.PostAsJsonAsync("/prices?id=range-eur", new
        {
            date_from = "2016-01-01", date_to = "2016-01-02", origin_code = "CNSGH", destination_code = "NLRTM", price = 100, currency = "EUR",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"EUR":2}""", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("converted").GetRawText());
        Assert.Equal("2016-01-01:50,2016-01-02:125", await Sql.ScalarAsync<string>(_silo.ConnectionString, StoredPrices));
    }

    [Fact]
    public async Task Grpc_upload_and_submit_carry_the_currency_field_and_report_conversions()
    {
        PriceItem Eur(string day, long price) => new() { Origin = "CNSGH", Destination = "NLRTM", Day = day, Price = price, Currency = "EUR" };

        var uploaded = await UploadAsync(_channel, "grpc-eur", [[Eur("2016-01-01", 8), Item("CNSGH", "NLRTM", "2016-01-01", 1)], [Eur("2016-01-02", 8)]]);
        var submitRequest = new SubmitBatchRequest { Header = new BatchHeader { BatchId = "grpc-eur-submit" } };
        submitRequest.Items.Add(Eur("2016-01-02", 4));
        var submitted = await new IngestService.IngestServiceClient(_channel).SubmitBatchAsync(submitRequest);
        var missing = await UploadAsync(_channel, "grpc-eur-missing", [[Eur("2016-01-05", 8)]]);

        Assert.Equal((BatchStatus.Committed, 3L), (uploaded.Status, uploaded.Items));
        Assert.Equal(new Dictionary<string, long> { ["EUR"] = 2 }, uploaded.Converted);
        Assert.Equal(new Dictionary<string, long> { ["EUR"] = 1 }, submitted.Converted);
        Assert.Equal(BatchStatus.Rejected, missing.Status);
        Assert.Equal(("currency", "no exchange rate for EUR on 2016-01-05 (add it with PUT /exchange-rates)"), (missing.Errors[0].Field, missing.Errors[0].Reason));
        // 8/2 = 4, 8/0.8 = 10, 4/0.8 = 5; the USD item is stored as sent.
        Assert.Equal("2016-01-01:1,2016-01-01:4,2016-01-02:5,2016-01-02:10", await Sql.ScalarAsync<string>(_silo.ConnectionString, StoredPrices));
    }

    [Fact]
    public async Task Prices_with_decimals_in_other_currencies_are_converted_exactly_and_rounded_only_after_conversion()
    {
        var response = await Http.PostAsync("/batches?id=eur-cents", TestData.Csv("""
            origin,destination,day,price,currency
            CNSGH,NLRTM,2016-01-02,12.50,EUR
            CNSGH,NLRTM,2016-01-01,2.99,EUR
            CNSGH,NLRTM,2016-01-01,3.000000001,EUR
            """));
        var ndjson = await Http.PostAsync("/batches?id=eur-cents-nd", TestData.Ndjson("""
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":0.75,"currency":"GBP"}
            """));
        var range = await Http.PostAsJsonAsync("/prices?id=eur-cents-range", new
        {
            date_from = "2016-01-02", date_to = "2016-01-02", origin_code = "CNSGH", destination_code = "NLRTM", price = 0.4, currency = "EUR",
        });
        var grpc = await UploadAsync(_channel, "grpc-eur-cents",
            [[new PriceItem { Origin = "CNSGH", Destination = "NLRTM", Day = "2016-01-02", Price = 1, PriceNanos = 200_000_000, Currency = "EUR" }]]);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], new[] { response.StatusCode, ndjson.StatusCode, range.StatusCode });
        Assert.Equal(BatchStatus.Committed, grpc.Status);
        // 12.50/0.8 = 15.625 -> 16; 2.99/2 = 1.495 -> 1 (a whole-number price first would give 3/2 -> 2);
        // 3.000000001/2 -> 2; 0.75/0.5 = 1.5 -> 2; 0.4/0.8 = 0.5 -> 1; 1.2/0.8 = 1.5 -> 2.
        Assert.Equal("2016-01-01:1,2016-01-01:2,2016-01-01:2,2016-01-02:1,2016-01-02:2,2016-01-02:16",
            await Sql.ScalarAsync<string>(_silo.ConnectionString, StoredPrices));
    }

    [Fact]
    public async Task A_usd_price_with_decimals_or_inconsistent_nanos_is_an_item_error_and_nothing_is_written()
    {
        var response = await Http.PostAsync("/batches?id=usd-cents", TestData.Csv("""
            origin,destination,day,price,currency
            CNSGH,NLRTM,2016-01-01,12.5,
            CNSGH,NLRTM,2016-01-01,12.5,USD
            CNSGH,NLRTM,2016-01-01,1.0000000001,EUR
            CNSGH,NLRTM,2016-01-01,10,EUR
            """));
        var grpc = await UploadAsync(_channel, "grpc-bad-nanos",
            [[new PriceItem { Origin = "CNSGH", Destination = "NLRTM", Day = "2016-01-01", Price = 1, PriceNanos = -5, Currency = "EUR" }]]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt64(), e.GetProperty("field").GetString(), e.GetProperty("value").GetString(), e.GetProperty("reason").GetString()))
            .ToList();
        Assert.Equal(
            [
                (0L, "price", "12.5", "price must be a whole number of USD from 1 to 1000"),
                (1L, "price", "12.5", "price must be a whole number of USD from 1 to 1000"),
                (2L, "price", "1.0000000001", "price is not a number with at most 9 decimal places"),
            ],
            errors);
        Assert.Equal(BatchStatus.Rejected, grpc.Status);
        Assert.Equal(("price", "price_nanos must be between -999999999 and 999999999 and have the sign of price"), (grpc.Errors[0].Field, grpc.Errors[0].Reason));
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }
}
