using System.Net;
using System.Text.Json;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

/// <summary><c>PUT /exchange-rates</c> and <c>GET /exchange-rates?day=</c> against a real silo and PostgreSQL.</summary>
[Collection("postgres")]
public sealed class ExchangeRatesApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Table = "select coalesce(string_agg(day || ':' || currency || ':' || rate, ',' order by day, currency), '') from exchange_rates";

    private SiloInstance _silo = null!;

    public async Task InitializeAsync() => _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Rates_are_upserted_by_day_and_currency_and_listed_per_day_exactly()
    {
        var first = await _silo.Http.PutAsync("/exchange-rates", TestData.Csv("day,currency,rate\n2016-01-01,EUR,0.920135\n2016-01-01,CNY,6.4936\n2016-01-02,EUR,0.9211\n2016-01-01,USD,1\n"));
        var second = await _silo.Http.PutAsync("/exchange-rates", TestData.Csv("currency,rate,day\nEUR,0.9199,2016-01-01\nIRR,42050.5,2016-01-01\n"));

        Assert.Equal("""{"rates":4}""", await first.Content.ReadAsStringAsync());
        Assert.Equal("""{"rates":2}""", await second.Content.ReadAsStringAsync());
        var day = JsonDocument.Parse(await _silo.Http.GetStringAsync("/exchange-rates?day=2016-01-01")).RootElement;
        Assert.Equal(
            [("CNY", 6.4936m), ("EUR", 0.9199m), ("IRR", 42050.5m), ("USD", 1m)],
            day.EnumerateArray().Select(r => (r.GetProperty("currency").GetString(), r.GetProperty("rate").GetDecimal())));
        Assert.Equal("[]", await _silo.Http.GetStringAsync("/exchange-rates?day=2016-01-03"));
    }

    [Fact]
    public async Task A_body_with_any_bad_row_is_400_listing_each_and_changes_nothing()
    {
        (await _silo.Http.PutAsync("/exchange-rates", TestData.Csv("day,currency,rate\n2016-01-01,EUR,0.92\n"))).EnsureSuccessStatusCode();
        var before = await Sql.ScalarAsync<string>(_silo.ConnectionString, Table);

        var response = await _silo.Http.PutAsync("/exchange-rates", TestData.Csv("""
            day,currency,rate
            2016-01-01,EUR,0.95
            2016-02-30,EUR,0.9
            2016-01-01,eur,0.9
            2016-01-01,EUX,0.9
            2016-01-01,GBP,0
            2016-01-01,JPY,-120
            2016-01-01,CHF,1e3
            2016-01-01,USD,1.1
            2016-01-01,EUR,0.96
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(
        [
            "row 2: day '2016-02-30' is not a real date in YYYY-MM-DD form",
            "row 3: currency 'eur' is not an ISO 4217 currency code (e.g. EUR)",
            "row 4: currency 'EUX' is not an ISO 4217 currency code (e.g. EUR)",
            "row 5: rate '0' must be a positive decimal number (units of the currency per 1 USD, e.g. 0.9123)",
            "row 6: rate '-120' must be a positive decimal number (units of the currency per 1 USD, e.g. 0.9123)",
            "row 7: rate '1e3' must be a positive decimal number (units of the currency per 1 USD, e.g. 0.9123)",
            "row 8: the rate of USD is 1 by definition, not 1.1",
            "row 9: EUR on 2016-01-01 appears twice",
        ], errors);
        Assert.Equal(before, await Sql.ScalarAsync<string>(_silo.ConnectionString, Table));
    }

    [Theory]
    [InlineData("/exchange-rates")]
    [InlineData("/exchange-rates?day=2016-13-01")]
    [InlineData("/exchange-rates?day=2016-01-01&day=2016-01-02")]
    public async Task A_missing_or_malformed_day_is_400(string path)
    {
        using var response = await _silo.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("day", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());
    }
}
