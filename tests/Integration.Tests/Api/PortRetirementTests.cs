using System.Net;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

/// <summary>A lane id is made of port ids: removing ports must never hand a port's prices to another code.</summary>
[Collection("postgres")]
public sealed class PortRetirementTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Day = "2016-01-01";

    private static readonly string[] Codes = ["NLRTM", "DEHAM", "ESBCN", "CNSGH", "CNNBO"];

    private SiloInstance _silo = null!;

    private HttpClient Http => _silo.Http;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_port_with_prices_is_removed_only_when_retired_and_a_new_code_never_gets_its_prices()
    {
        (await Http.PutAsync("/ports", TestData.Csv("code,name,region\nZZAAA,Test A,asia\n"))).EnsureSuccessStatusCode();
        await RatesApi.UploadAsync(Http, "zzaaa", [("ZZAAA", "NLRTM", Day, 10), ("ZZAAA", "NLRTM", Day, 20), ("ZZAAA", "NLRTM", Day, 30)]);
        var idOfA = await Sql.ScalarAsync<short>(_silo.ConnectionString, "select id from ports where code = 'ZZAAA'");

        // Without retire=true the replace is refused as a whole, naming the port.
        var refused = await Http.PutAsync("/ports?replace=true", TestData.Csv(TestData.Ports));
        var errors = await ReferenceDataApiTests.ErrorsAsync(refused, HttpStatusCode.Conflict);
        Assert.Contains(errors, e => e.Contains("'ZZAAA'", StringComparison.Ordinal) && e.Contains("retire=true", StringComparison.Ordinal));
        Assert.Equal(6, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from ports"));
        Assert.Equal(3, (await RatesApi.GetAsync(Http, "ZZAAA", "NLRTM", Day, Day))[0].Count);

        var retired = await Http.PutAsync("/ports?replace=true&retire=true", TestData.Csv(TestData.Ports));
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal("""{"ports":5,"replaced":true,"removed":["ZZAAA"]}""", await retired.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/rates?date_from={Day}&date_to={Day}&origin=ZZAAA&destination=NLRTM")).StatusCode);
        Assert.Equal(0, (await RatesApi.GetAsync(Http, "asia", "NLRTM", Day, Day))[0].Count);

        // The next new code gets a fresh id, not the retired one, and none of its prices.
        (await Http.PutAsync("/ports", TestData.Csv("code,name,region\nZZBBB,Test B,asia\n"))).EnsureSuccessStatusCode();
        Assert.NotEqual(idOfA, await Sql.ScalarAsync<short>(_silo.ConnectionString, "select id from ports where code = 'ZZBBB'"));
        Assert.Equal(0, (await RatesApi.GetAsync(Http, "ZZBBB", "NLRTM", Day, Day))[0].Count);
        Assert.Equal(0, (await RatesApi.GetAsync(Http, "asia", "NLRTM", Day, Day))[0].Count);

        // The retired code uploaded again is the same port: its id, and its prices, come back.
        (await Http.PutAsync("/ports", TestData.Csv("code,name,region\nZZAAA,Test A again,asia\n"))).EnsureSuccessStatusCode();
        Assert.Equal(idOfA, await Sql.ScalarAsync<short>(_silo.ConnectionString, "select id from ports where code = 'ZZAAA'"));
        Assert.Equal([new(Day, 20, 3)], await RatesApi.GetAsync(Http, "ZZAAA", "NLRTM", Day, Day));
    }

    [Fact]
    public async Task Removing_every_port_and_uploading_them_again_in_another_order_leaves_every_answer_unchanged()
    {
        await RatesApi.UploadAsync(Http, "spread", TestData.RandomPrices(new Random(7), 400));
        var before = await EveryLaneAsync();
        Assert.Contains(before, lane => !lane.EndsWith("[]", StringComparison.Ordinal));

        var empty = TestData.Csv("code,name,region\n");
        await ReferenceDataApiTests.ErrorsAsync(await Http.PutAsync("/ports?replace=true", empty), HttpStatusCode.Conflict);
        var cleared = await Http.PutAsync("/ports?replace=true&retire=true", TestData.Csv("code,name,region\n"));
        Assert.Equal("""{"ports":0,"replaced":true,"removed":["CNNBO","CNSGH","DEHAM","ESBCN","NLRTM"]}""", await cleared.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/rates?date_from={Day}&date_to={Day}&origin=CNSGH&destination=NLRTM")).StatusCode);

        // A new code first, then the old ones in reverse order: under reused ids each would take over another's prices.
        var reversed = string.Join('\n', TestData.Ports.Split('\n').Skip(1).Reverse());
        (await Http.PutAsync("/ports", TestData.Csv("code,name,region\nZZNEW,New,asia\n" + reversed + "\n"))).EnsureSuccessStatusCode();

        Assert.Equal(before, await EveryLaneAsync());
        Assert.Equal(0, (await RatesApi.GetAsync(Http, "ZZNEW", "asia", "2016-01-01", "2016-01-10")).Sum(d => d.Count));
    }

    /// <summary>Every port-to-port answer over the ten days, one line per lane: the days with prices.</summary>
    private async Task<List<string>> EveryLaneAsync()
    {
        var lanes = new List<string>();
        foreach (var origin in Codes)
        {
            foreach (var destination in Codes.Where(d => d != origin))
            {
                var days = await RatesApi.GetAsync(Http, origin, destination, "2016-01-01", "2016-01-10");
                lanes.Add($"{origin}->{destination} [{string.Join(", ", days.Where(d => d.Count > 0))}]");
            }
        }

        return lanes;
    }
}
