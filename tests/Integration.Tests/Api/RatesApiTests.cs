using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

[Collection("postgres")]
public sealed class RatesApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    // The places of TestData and the ports each stands for, written out by hand from the hierarchy
    // world -> europe -> north_europe (NLRTM, DEHAM), europe -> med (ESBCN), world -> asia (CNSGH, CNNBO).
    private static readonly Dictionary<string, string[]> PortsOfPlace = new(StringComparer.Ordinal)
    {
        ["world"] = ["NLRTM", "DEHAM", "ESBCN", "CNSGH", "CNNBO"],
        ["europe"] = ["NLRTM", "DEHAM", "ESBCN"],
        ["north_europe"] = ["NLRTM", "DEHAM"],
        ["med"] = ["ESBCN"],
        ["asia"] = ["CNSGH", "CNNBO"],
        ["NLRTM"] = ["NLRTM"],
        ["DEHAM"] = ["DEHAM"],
        ["ESBCN"] = ["ESBCN"],
        ["CNSGH"] = ["CNSGH"],
        ["CNNBO"] = ["CNNBO"],
    };

    private SiloInstance _silo = null!;

    private HttpClient Http => _silo.Http;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Daily_average_is_rounded_half_away_from_zero_and_null_under_three_prices()
    {
        await RatesApi.UploadAsync(Http, "rounding", [
            // 1,1,2 -> 4/3 = 1.33 -> 1
            ("CNSGH", "NLRTM", "2016-01-01", 1), ("CNSGH", "NLRTM", "2016-01-01", 1), ("CNSGH", "NLRTM", "2016-01-01", 2),
            // 2,2,3 -> 7/3 = 2.33 -> 2
            ("CNSGH", "NLRTM", "2016-01-02", 2), ("CNSGH", "NLRTM", "2016-01-02", 2), ("CNSGH", "NLRTM", "2016-01-02", 3),
            // 1,2,2,2 -> 7/4 = 1.75 -> 2
            ("CNSGH", "NLRTM", "2016-01-03", 1), ("CNSGH", "NLRTM", "2016-01-03", 2), ("CNSGH", "NLRTM", "2016-01-03", 2), ("CNSGH", "NLRTM", "2016-01-03", 2),
            // 2,2,3,3 -> 10/4 = 2.5 -> 3 (banker's rounding would give 2)
            ("CNSGH", "NLRTM", "2016-01-04", 2), ("CNSGH", "NLRTM", "2016-01-04", 2), ("CNSGH", "NLRTM", "2016-01-04", 3), ("CNSGH", "NLRTM", "2016-01-04", 3),
            // 1,2 -> 1.5 would round to 2, but two prices are not enough: null
            ("CNSGH", "NLRTM", "2016-01-05", 1), ("CNSGH", "NLRTM", "2016-01-05", 2),
            // 2016-01-06: nothing
            // 4,4,5,5 -> 18/4 = 4.5 -> 5 (banker's: 4)
            ("CNSGH", "NLRTM", "2016-01-07", 4), ("CNSGH", "NLRTM", "2016-01-07", 4), ("CNSGH", "NLRTM", "2016-01-07", 5), ("CNSGH", "NLRTM", "2016-01-07", 5),
            // 1,1,1,2,2,2 -> 9/6 = 1.5 -> 2
            ("CNSGH", "NLRTM", "2016-01-08", 1), ("CNSGH", "NLRTM", "2016-01-08", 1), ("CNSGH", "NLRTM", "2016-01-08", 1),
            ("CNSGH", "NLRTM", "2016-01-08", 2), ("CNSGH", "NLRTM", "2016-01-08", 2), ("CNSGH", "NLRTM", "2016-01-08", 2),
            // 1111, 1112, 1114 -> 3337/3 = 1112.33 -> 1112
            ("CNSGH", "NLRTM", "2016-01-09", 1111), ("CNSGH", "NLRTM", "2016-01-09", 1112), ("CNSGH", "NLRTM", "2016-01-09", 1114),
        ]);

        var days = await RatesApi.GetAsync(Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-09");

        Assert.Equal(
        [
            new("2016-01-01", 1, 3), new("2016-01-02", 2, 3), new("2016-01-03", 2, 4), new("2016-01-04", 3, 4), new("2016-01-05", null, 2),
            new("2016-01-06", null, 0), new("2016-01-07", 5, 4), new("2016-01-08", 2, 6), new("2016-01-09", 1112, 3),
        ], days);
    }

    [Fact]
    public async Task Every_day_of_the_range_is_listed_in_order_with_null_and_count_0_where_there_is_no_data()
    {
        await RatesApi.UploadAsync(Http, "sparse", [
            ("CNSGH", "NLRTM", "2016-01-01", 10), ("CNSGH", "NLRTM", "2016-01-01", 20), ("CNSGH", "NLRTM", "2016-01-01", 30),
            ("CNSGH", "NLRTM", "2016-01-05", 7), ("CNSGH", "NLRTM", "2016-01-05", 8), ("CNSGH", "NLRTM", "2016-01-05", 9),
        ]);

        var days = await RatesApi.GetAsync(Http, "CNSGH", "NLRTM", "2015-12-30", "2016-01-07");

        // Before the lane's first day, in the gap between its days, and after its last day.
        Assert.Equal(
        [
            new("2015-12-30", null, 0), new("2015-12-31", null, 0), new("2016-01-01", 20, 3), new("2016-01-02", null, 0), new("2016-01-03", null, 0),
            new("2016-01-04", null, 0), new("2016-01-05", 8, 3), new("2016-01-06", null, 0), new("2016-01-07", null, 0),
        ], days);
    }

    [Fact]
    public async Task Count_is_only_present_when_include_count_is_true()
    {
        await RatesApi.UploadAsync(Http, "counted", [("CNSGH", "NLRTM", "2016-01-01", 5), ("CNSGH", "NLRTM", "2016-01-01", 6), ("CNSGH", "NLRTM", "2016-01-01", 7)]);

        var plain = await Http.GetFromJsonAsync<JsonElement>("/rates?date_from=2016-01-01&date_to=2016-01-02&origin=CNSGH&destination=NLRTM");
        var counted = await Http.GetFromJsonAsync<JsonElement>("/rates?date_from=2016-01-01&date_to=2016-01-02&origin=CNSGH&destination=NLRTM&include_count=true");

        Assert.Equal("""[{"day":"2016-01-01","average_price":6},{"day":"2016-01-02","average_price":null}]""", plain.GetRawText());
        Assert.Equal("""[{"day":"2016-01-01","average_price":6,"count":3},{"day":"2016-01-02","average_price":null,"count":0}]""", counted.GetRawText());
    }

    [Fact]
    public async Task Minimum_of_three_prices_counts_all_lanes_together()
    {
        await RatesApi.UploadAsync(Http, "split", [
            // 2016-01-01: two prices on CNSGH->NLRTM and one on CNNBO->NLRTM.
            ("CNSGH", "NLRTM", "2016-01-01", 100), ("CNSGH", "NLRTM", "2016-01-01", 200), ("CNNBO", "NLRTM", "2016-01-01", 600),
        ]);

        // One lane alone has 2 prices: null. The region has 3: (100 + 200 + 600) / 3 = 300.
        Assert.Equal([new("2016-01-01", null, 2)], await RatesApi.GetAsync(Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-01"));
        Assert.Equal([new("2016-01-01", 300, 3)], await RatesApi.GetAsync(Http, "asia", "NLRTM", "2016-01-01", "2016-01-01"));
    }

    [Fact]
    public async Task Region_to_region_averages_every_lane_between_ports_of_nested_regions_only()
    {
        await RatesApi.UploadAsync(Http, "regions", [
            // europe -> asia, through both sub-regions of europe: north_europe (NLRTM, DEHAM) and med (ESBCN).
            ("NLRTM", "CNSGH", "2016-01-01", 100), ("DEHAM", "CNNBO", "2016-01-01", 200), ("ESBCN", "CNSGH", "2016-01-01", 400),
            // Not europe -> asia: the opposite direction and lanes inside one region.
            ("CNSGH", "NLRTM", "2016-01-01", 9000), ("NLRTM", "DEHAM", "2016-01-01", 9000), ("DEHAM", "ESBCN", "2016-01-01", 9000),
            ("CNSGH", "CNNBO", "2016-01-01", 9000),
        ]);

        // europe -> asia: (100 + 200 + 400) / 3 = 233.33 -> 233
        Assert.Equal([new("2016-01-01", 233, 3)], await RatesApi.GetAsync(Http, "europe", "asia", "2016-01-01", "2016-01-01"));

        // north_europe -> asia: 100, 200 -> only 2 prices
        Assert.Equal([new("2016-01-01", null, 2)], await RatesApi.GetAsync(Http, "north_europe", "asia", "2016-01-01", "2016-01-01"));

        // world -> world: all 7 prices (no lane from a port to itself): (100 + 200 + 400 + 4 * 9000) / 7 = 36700 / 7 = 5242.86 -> 5243
        Assert.Equal([new("2016-01-01", 5243, 7)], await RatesApi.GetAsync(Http, "world", "world", "2016-01-01", "2016-01-01"));

        // europe -> europe: 9000 (NLRTM->DEHAM), 9000 (DEHAM->ESBCN) -> 2 prices
        Assert.Equal([new("2016-01-01", null, 2)], await RatesApi.GetAsync(Http, "europe", "europe", "2016-01-01", "2016-01-01"));
    }

    [Fact]
    public async Task Port_to_region_and_region_to_port_cover_the_ports_of_the_region()
    {
        await RatesApi.UploadAsync(Http, "mixed", [
            ("CNSGH", "NLRTM", "2016-01-01", 10), ("CNSGH", "DEHAM", "2016-01-01", 20), ("CNSGH", "ESBCN", "2016-01-01", 40),
            ("CNNBO", "NLRTM", "2016-01-01", 1000), ("DEHAM", "CNSGH", "2016-01-01", 5000),
            ("NLRTM", "CNSGH", "2016-01-02", 1), ("DEHAM", "CNSGH", "2016-01-02", 2), ("ESBCN", "CNSGH", "2016-01-02", 2),
            ("NLRTM", "CNNBO", "2016-01-02", 7000),
        ]);

        // CNSGH -> europe, 2016-01-01: 10, 20, 40 -> 70 / 3 = 23.33 -> 23; 2016-01-02: nothing from CNSGH.
        Assert.Equal([new("2016-01-01", 23, 3), new("2016-01-02", null, 0)],
            await RatesApi.GetAsync(Http, "CNSGH", "europe", "2016-01-01", "2016-01-02"));

        // europe -> CNSGH, 2016-01-01: 5000 alone; 2016-01-02: 1, 2, 2 -> 5 / 3 = 1.67 -> 2.
        Assert.Equal([new("2016-01-01", null, 1), new("2016-01-02", 2, 3)],
            await RatesApi.GetAsync(Http, "europe", "CNSGH", "2016-01-01", "2016-01-02"));

        // asia -> NLRTM, 2016-01-01: 10, 1000 -> 2 prices.
        Assert.Equal([new("2016-01-01", null, 2)], await RatesApi.GetAsync(Http, "asia", "NLRTM", "2016-01-01", "2016-01-01"));
    }

    [Fact]
    public async Task Same_port_as_origin_and_destination_has_no_lanes_and_answers_null_every_day()
    {
        await RatesApi.UploadAsync(Http, "self", [("CNSGH", "NLRTM", "2016-01-01", 1), ("CNSGH", "NLRTM", "2016-01-01", 2), ("CNSGH", "NLRTM", "2016-01-01", 3)]);

        Assert.Equal([new("2016-01-01", null, 0), new("2016-01-02", null, 0)],
            await RatesApi.GetAsync(Http, "NLRTM", "NLRTM", "2016-01-01", "2016-01-02"));
    }

    [Fact]
    public async Task Several_prices_on_one_lane_and_day_including_exact_duplicates_all_count()
    {
        await RatesApi.UploadAsync(Http, "dupes-1", [
            ("CNSGH", "NLRTM", "2016-01-01", 100), ("CNSGH", "NLRTM", "2016-01-01", 100), ("CNSGH", "NLRTM", "2016-01-01", 100),
            ("CNSGH", "NLRTM", "2016-01-01", 101),
        ]);

        // 100, 100, 100, 101 -> 401 / 4 = 100.25 -> 100
        Assert.Equal([new("2016-01-01", 100, 4)], await RatesApi.GetAsync(Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-01"));

        // The same rows again in another batch are new prices, not replacements:
        // 100 x 6 + 101 x 2 + 104 = 906 / 9 = 100.67 -> 101
        await RatesApi.UploadAsync(Http, "dupes-2", [
            ("CNSGH", "NLRTM", "2016-01-01", 100), ("CNSGH", "NLRTM", "2016-01-01", 100), ("CNSGH", "NLRTM", "2016-01-01", 100),
            ("CNSGH", "NLRTM", "2016-01-01", 101), ("CNSGH", "NLRTM", "2016-01-01", 104),
        ]);

        Assert.Equal([new("2016-01-01", 101, 9)], await RatesApi.GetAsync(Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-01"));
        Assert.Equal(9, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Read_after_a_second_commit_sees_its_prices_at_once_in_warm_lanes()
    {
        await RatesApi.UploadAsync(Http, "first", [
            ("CNSGH", "NLRTM", "2016-01-01", 10), ("CNSGH", "NLRTM", "2016-01-01", 20), ("CNSGH", "NLRTM", "2016-01-01", 30),
            ("CNNBO", "DEHAM", "2016-01-02", 5),
        ]);

        // Warm the lanes: a port pair and a region pair (which activates every asia -> north_europe lane).
        Assert.Equal([new("2016-01-01", 20, 3), new("2016-01-02", null, 0), new("2016-01-03", null, 0)],
            await RatesApi.GetAsync(Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-03"));
        Assert.Equal([new("2016-01-01", 20, 3), new("2016-01-02", null, 1), new("2016-01-03", null, 0)],
            await RatesApi.GetAsync(Http, "asia", "north_europe", "2016-01-01", "2016-01-03"));

        await RatesApi.UploadAsync(Http, "second", [
            ("CNSGH", "NLRTM", "2016-01-01", 40),
            ("CNNBO", "DEHAM", "2016-01-02", 6), ("CNSGH", "DEHAM", "2016-01-02", 8),
            ("CNSGH", "NLRTM", "2016-01-03", 1), ("CNSGH", "NLRTM", "2016-01-03", 1), ("CNSGH", "NLRTM", "2016-01-03", 2),
        ]);

        // No waiting, no min_commit_seq: the commit is applied to this silo's lanes before the receipt.
        // CNSGH -> NLRTM: 01: 10,20,30,40 -> 25; 03: 1,1,2 -> 1.33 -> 1
        Assert.Equal([new("2016-01-01", 25, 4), new("2016-01-02", null, 0), new("2016-01-03", 1, 3)],
            await RatesApi.GetAsync(Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-03"));

        // asia -> north_europe: 02: 5, 6, 8 -> 19 / 3 = 6.33 -> 6
        Assert.Equal([new("2016-01-01", 25, 4), new("2016-01-02", 6, 3), new("2016-01-03", 1, 3)],
            await RatesApi.GetAsync(Http, "asia", "north_europe", "2016-01-01", "2016-01-03"));
    }

    [Fact]
    public async Task Read_with_min_commit_seq_of_its_own_receipt_sees_the_batch()
    {
        var seq = await RatesApi.UploadAsync(Http, "own", [("CNSGH", "NLRTM", "2016-01-01", 1), ("CNSGH", "NLRTM", "2016-01-01", 2), ("CNSGH", "NLRTM", "2016-01-01", 4)]);

        // 1, 2, 4 -> 7 / 3 = 2.33 -> 2
        Assert.Equal([new("2016-01-01", 2, 3)], await RatesApi.GetAsync(Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-01", minCommitSeq: seq));
    }

    [Fact]
    public async Task Random_prices_over_every_pair_of_places_match_averages_computed_from_the_uploaded_rows()
    {
        const int seed = 20160101;
        var random = new Random(seed);
        var ports = PortsOfPlace["world"];
        var first = new DateOnly(2016, 3, 1);
        var rows = new List<(string Origin, string Destination, string Day, long Price)>();
        for (var i = 0; i < 700; i++)
        {
            var origin = ports[random.Next(ports.Length)];
            var destination = ports[random.Next(ports.Length)];
            if (origin == destination)
            {
                continue;
            }

            // Small prices so that ties (x.5 averages) are common.
            rows.Add((origin, destination, Day(first.AddDays(random.Next(14))), random.Next(1, 9)));
            if (random.Next(8) == 0)
            {
                rows.Add(rows[^1]); // an exact duplicate
            }
        }

        var half = rows.Count / 2;
        await RatesApi.UploadAsync(Http, "random-1", rows.Take(half));
        await RatesApi.UploadAsync(Http, "random-2", rows.Skip(half));

        var ranges = new[] { ("2016-02-27", "2016-03-16"), ("2016-03-05", "2016-03-05"), ("2016-03-10", "2016-03-20") };
        var checkedDays = 0;
        foreach (var origin in PortsOfPlace.Keys)
        {
            foreach (var destination in PortsOfPlace.Keys)
            {
                foreach (var (from, to) in ranges)
                {
                    var expected = Expected(rows, origin, destination, DateOnly.Parse(from, CultureInfo.InvariantCulture), DateOnly.Parse(to, CultureInfo.InvariantCulture));
                    var actual = await RatesApi.GetAsync(Http, origin, destination, from, to);
                    Assert.True(expected.SequenceEqual(actual),
                        $"seed {seed}: {origin} -> {destination} {from}..{to}\nexpected {string.Join(", ", expected)}\nactual   {string.Join(", ", actual)}");
                    checkedDays += expected.Count(d => d.Average is not null);
                }
            }
        }

        // The data must exercise what it claims to: many averaged days, and x.5 averages that .NET's
        // default rounding (to even) would get wrong.
        Assert.True(checkedDays > 500, $"only {checkedDays} averaged days were checked");
        Assert.True(RoundingTiesInQueries(rows) > 0, "the random data has no x.5 average where the rounding modes differ");
    }

    [Fact]
    public async Task Missing_or_malformed_parameter_is_400_naming_it()
    {
        (string Query, string Parameter)[] cases =
        [
            ("date_to=2016-01-02&origin=CNSGH&destination=NLRTM", "date_from"),
            ("date_from=2016-01-01&origin=CNSGH&destination=NLRTM", "date_to"),
            ("date_from=2016-01-01&date_to=2016-01-02&destination=NLRTM", "origin"),
            ("date_from=2016-01-01&date_to=2016-01-02&origin=CNSGH", "destination"),
            ("date_from=&date_to=2016-01-02&origin=CNSGH&destination=NLRTM", "date_from"),
            ("date_from=2016-01-01&date_to=2016-01-02&origin=&destination=NLRTM", "origin"),
            ("date_from=2016-02-30&date_to=2016-03-02&origin=CNSGH&destination=NLRTM", "date_from"),
            ("date_from=2016-1-1&date_to=2016-01-02&origin=CNSGH&destination=NLRTM", "date_from"),
            ("date_from=2016/01/01&date_to=2016-01-02&origin=CNSGH&destination=NLRTM", "date_from"),
            ("date_from=20160101&date_to=2016-01-02&origin=CNSGH&destination=NLRTM", "date_from"),
            ("date_from=2016-01-01T00:00:00&date_to=2016-01-02&origin=CNSGH&destination=NLRTM", "date_from"),
            ("date_from=2016-01-01&date_to=2015-02-29&origin=CNSGH&destination=NLRTM", "date_to"),
            ("date_from=2016-01-01&date_to=2016-13-01&origin=CNSGH&destination=NLRTM", "date_to"),
            ("date_from=2016-01-01&date_to=tomorrow&origin=CNSGH&destination=NLRTM", "date_to"),
            ("date_from=2016-01-01&date_to=2016-01-02&origin=CNSGH&destination=NLRTM&include_count=maybe", "include_count"),
            ("date_from=2016-01-01&date_to=2016-01-02&origin=CNSGH&destination=NLRTM&min_commit_seq=-1", "min_commit_seq"),
            ("date_from=2016-01-01&date_to=2016-01-02&origin=CNSGH&destination=NLRTM&min_commit_seq=abc", "min_commit_seq"),
        ];

        foreach (var (query, parameter) in cases)
        {
            await AssertProblemAsync(await Http.GetAsync("/rates?" + query), HttpStatusCode.BadRequest, parameter, query);
        }
    }

    [Fact]
    public async Task Date_from_after_date_to_is_400_naming_date_from()
    {
        var response = await Http.GetAsync("/rates?date_from=2016-01-02&date_to=2016-01-01&origin=CNSGH&destination=NLRTM");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "date_from");
    }

    [Fact]
    public async Task Unknown_place_is_404_naming_it()
    {
        (string Places, string Parameter, string Value)[] cases =
        [
            ("origin=XXXXX&destination=NLRTM", "origin", "XXXXX"),
            ("origin=CNSGH&destination=atlantis", "destination", "atlantis"),
            ("origin=nowhere&destination=atlantis", "origin", "nowhere"),
        ];

        foreach (var (places, parameter, value) in cases)
        {
            var problem = await AssertProblemAsync(
                await Http.GetAsync($"/rates?date_from=2016-01-01&date_to=2016-01-02&{places}"), HttpStatusCode.NotFound, parameter, places);
            Assert.Equal(value, problem.GetProperty("value").GetString());
        }
    }

    [Fact]
    public async Task Range_of_the_default_maximum_of_366_days_is_accepted_and_one_day_more_is_400_naming_date_to()
    {
        // 2016 is a leap year: 2016-01-01 .. 2016-12-31 is 366 days.
        var year = await RatesApi.GetAsync(Http, "CNSGH", "NLRTM", "2016-01-01", "2016-12-31");
        Assert.Equal(366, year.Count);
        Assert.Equal("2016-12-31", year[^1].Day);

        var tooLong = await Http.GetAsync("/rates?date_from=2016-01-01&date_to=2017-01-01&origin=CNSGH&destination=NLRTM");
        await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "date_to");
    }

    [Fact]
    public async Task Configured_maximum_range_is_accepted_exactly_and_one_day_more_is_400_naming_date_to()
    {
        await using var limited = await SiloInstance.StartAsync(_silo.ConnectionString, "--Rates:MaxRangeDays=31");

        var month = await RatesApi.GetAsync(limited.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-31");
        Assert.Equal(31, month.Count);

        var tooLong = await limited.Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-02-01&origin=CNSGH&destination=NLRTM");
        await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "date_to");
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string parameter, string what = "")
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {response.Content.Headers.ContentType}");
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("parameter", out var named), $"{what}: no 'parameter' member: {body}");
        Assert.True(named.GetString() == parameter, $"{what}: parameter '{named.GetString()}', expected '{parameter}'");
        return problem;
    }

    private static List<RateDay> Expected(
        List<(string Origin, string Destination, string Day, long Price)> rows, string origin, string destination, DateOnly from, DateOnly to)
    {
        var origins = PortsOfPlace[origin];
        var destinations = PortsOfPlace[destination];
        var byDay = rows
            .Where(r => origins.Contains(r.Origin) && destinations.Contains(r.Destination))
            .ToLookup(r => r.Day, r => r.Price);
        var days = new List<RateDay>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var prices = byDay[Day(day)].ToList();
            long? average = prices.Count < 3
                ? null
                : (long)Math.Round(prices.Sum() / (decimal)prices.Count, MidpointRounding.AwayFromZero);
            days.Add(new(Day(day), average, prices.Count));
        }

        return days;
    }

    private static int RoundingTiesInQueries(List<(string Origin, string Destination, string Day, long Price)> rows)
    {
        var ties = 0;
        foreach (var origin in PortsOfPlace.Keys)
        {
            foreach (var destination in PortsOfPlace.Keys)
            {
                foreach (var group in rows.Where(r => PortsOfPlace[origin].Contains(r.Origin) && PortsOfPlace[destination].Contains(r.Destination)).GroupBy(r => r.Day))
                {
                    var prices = group.Select(r => r.Price).ToList();
                    var average = prices.Sum() / (decimal)prices.Count;
                    if (prices.Count >= 3 && Math.Round(average) != Math.Round(average, MidpointRounding.AwayFromZero))
                    {
                        ties++;
                    }
                }
            }
        }

        return ties;
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>One entry of a <c>GET /rates</c> answer (asked with <c>include_count=true</c>).</summary>
internal sealed record RateDay(string Day, long? Average, int? Count);

/// <summary>Small client helpers for the rates and batch endpoints, shared by the API test classes.</summary>
internal static class RatesApi
{
    public static async Task<List<RateDay>> GetAsync(
        HttpClient http, string origin, string destination, string from, string to, bool includeCount = true, long? minCommitSeq = null)
    {
        var url = $"/rates?date_from={from}&date_to={to}&origin={Uri.EscapeDataString(origin)}&destination={Uri.EscapeDataString(destination)}"
            + (includeCount ? "&include_count=true" : "")
            + (minCommitSeq is { } seq ? $"&min_commit_seq={seq}" : "");
        var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        return [.. JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => new RateDay(
            e.GetProperty("day").GetString()!,
            e.GetProperty("average_price").ValueKind == JsonValueKind.Null ? null : e.GetProperty("average_price").GetInt64(),
            e.TryGetProperty("count", out var count) ? count.GetInt32() : null))];
    }

    /// <summary>Uploads a CSV batch that must commit; returns its commit sequence.</summary>
    public static async Task<long> UploadAsync(HttpClient http, string id, IEnumerable<(string Origin, string Destination, string Day, long Price)> rows)
    {
        var response = await http.PostAsync($"/batches?id={id}", TestData.PricesCsv(rows));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"batch {id}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("commit_seq").GetInt64();
    }

    /// <summary>Polls until <paramref name="condition"/> holds; false at the deadline.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }
    }
}
