using System.Net;
using System.Text.Json;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

[Collection("postgres")]
public sealed class ReferenceDataApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string RegionsTable = "select string_agg(slug || ':' || name || ':' || coalesce(parent_slug, '-'), ',' order by slug) from regions";
    private const string PortsTable = "select string_agg(code || ':' || name || ':' || region_slug, ',' order by code) from ports";

    private SiloInstance _silo = null!;

    private HttpClient Http => _silo.Http;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Put_regions_upserts_by_slug_and_keeps_regions_not_in_the_body()
    {
        var response = await Http.PutAsync("/regions", TestData.Csv("""
            slug,name,parent
            asia,Asia and Pacific,world
            americas,Americas,
            north_america,North America,americas
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"regions":3,"replaced":false}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(7, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from regions"));
        Assert.Equal("Asia and Pacific", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select name from regions where slug = 'asia'"));
        Assert.True(await Sql.ScalarAsync<bool>(_silo.ConnectionString, "select parent_slug is null from regions where slug = 'americas'"));
        Assert.Equal("americas", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select parent_slug from regions where slug = 'north_america'"));

        // A new region without ports is a known place at once: every day null.
        Assert.Equal([new("2016-01-01", null, 0)], await RatesApi.GetAsync(Http, "north_america", "asia", "2016-01-01", "2016-01-01"));
    }

    [Fact]
    public async Task New_port_is_accepted_in_a_batch_and_answers_rates_at_once()
    {
        (await Http.PutAsync("/regions", TestData.Csv("slug,name,parent\namericas,Americas,world\n"))).EnsureSuccessStatusCode();
        var response = await Http.PutAsync("/ports", TestData.Csv("code,name,region\nUSNYC,New York,americas\nNLRTM,Rotterdam Maasvlakte,north_europe\n"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"ports":2,"replaced":false}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(6, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from ports"));
        Assert.Equal("Rotterdam Maasvlakte", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select name from ports where code = 'NLRTM'"));

        await RatesApi.UploadAsync(Http, "new-port", [("USNYC", "NLRTM", "2016-01-01", 10), ("USNYC", "DEHAM", "2016-01-01", 20), ("CNSGH", "USNYC", "2016-01-01", 30)]);

        // americas -> europe: 10, 20 (2 prices); world -> world: 10, 20, 30 -> 20
        Assert.Equal([new("2016-01-01", null, 2)], await RatesApi.GetAsync(Http, "americas", "europe", "2016-01-01", "2016-01-01"));
        Assert.Equal([new("2016-01-01", 20, 3)], await RatesApi.GetAsync(Http, "world", "world", "2016-01-01", "2016-01-01"));
        Assert.Equal([new("2016-01-01", null, 1)], await RatesApi.GetAsync(Http, "CNSGH", "USNYC", "2016-01-01", "2016-01-01"));
    }

    [Fact]
    public async Task Moving_a_port_to_another_region_changes_region_answers_at_once()
    {
        await RatesApi.UploadAsync(Http, "move", [
            ("NLRTM", "CNSGH", "2016-01-01", 10), ("DEHAM", "CNSGH", "2016-01-01", 20), ("ESBCN", "CNSGH", "2016-01-01", 60),
        ]);

        // Warm: north_europe -> asia has 10, 20; med -> asia has 60.
        Assert.Equal([new("2016-01-01", null, 2)], await RatesApi.GetAsync(Http, "north_europe", "asia", "2016-01-01", "2016-01-01"));
        Assert.Equal([new("2016-01-01", null, 1)], await RatesApi.GetAsync(Http, "med", "asia", "2016-01-01", "2016-01-01"));

        (await Http.PutAsync("/ports", TestData.Csv("code,name,region\nESBCN,Barcelona,north_europe\n"))).EnsureSuccessStatusCode();

        // north_europe -> asia now 10, 20, 60 -> 30; med has no port left.
        Assert.Equal([new("2016-01-01", 30, 3)], await RatesApi.GetAsync(Http, "north_europe", "asia", "2016-01-01", "2016-01-01"));
        Assert.Equal([new("2016-01-01", null, 0)], await RatesApi.GetAsync(Http, "med", "asia", "2016-01-01", "2016-01-01"));
        Assert.Equal("north_europe", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select region_slug from ports where code = 'ESBCN'"));
    }

    [Fact]
    public async Task Moving_a_region_under_another_parent_changes_answers_of_its_ancestors()
    {
        await RatesApi.UploadAsync(Http, "reparent", [
            ("NLRTM", "CNSGH", "2016-01-01", 10), ("DEHAM", "CNSGH", "2016-01-01", 20), ("ESBCN", "CNSGH", "2016-01-01", 60),
        ]);
        Assert.Equal([new("2016-01-01", 30, 3)], await RatesApi.GetAsync(Http, "europe", "asia", "2016-01-01", "2016-01-01"));

        (await Http.PutAsync("/regions", TestData.Csv("slug,name,parent\nmed,Mediterranean,asia\n"))).EnsureSuccessStatusCode();

        // europe is north_europe only now: 10, 20; asia -> asia holds ESBCN -> CNSGH: 60.
        Assert.Equal([new("2016-01-01", null, 2)], await RatesApi.GetAsync(Http, "europe", "asia", "2016-01-01", "2016-01-01"));
        Assert.Equal([new("2016-01-01", null, 1)], await RatesApi.GetAsync(Http, "asia", "asia", "2016-01-01", "2016-01-01"));
    }

    [Fact]
    public async Task Invalid_regions_are_400_with_each_error_and_change_nothing()
    {
        // Each body has a valid row too (gamma, or an update of an existing region): nothing of it may be applied.
        (string What, string Body, string[] Mentions)[] cases =
        [
            ("cycle of two", "slug,name,parent\ngamma,Gamma,world\nalpha,Alpha,beta\nbeta,Beta,alpha\n", ["cycle", "alpha", "beta"]),
            ("own parent", "slug,name,parent\ngamma,Gamma,world\nloop,Loop,loop\n", ["cycle", "loop"]),
            ("cycle through existing rows", "slug,name,parent\nasia,Asia renamed,world\nworld,World,north_europe\n", ["cycle", "world", "north_europe"]),
            ("unknown parent", "slug,name,parent\ngamma,Gamma,world\ndelta,Delta,nowhere\n", ["row 2", "nowhere"]),
            ("duplicate slug", "slug,name,parent\ngamma,Gamma,world\ngamma,Gamma again,asia\n", ["row 2", "gamma"]),
            ("bad slug", "slug,name,parent\ngamma,Gamma,world\nNot A Slug,Bad,world\n", ["row 2", "Not A Slug"]),
            ("missing name", "slug,name,parent\ngamma,Gamma,world\ndelta,,world\n", ["row 2", "delta"]),
            ("missing field", "slug,name,parent\ngamma,Gamma,world\ndelta\n", ["row 2"]),
        ];

        foreach (var (what, body, mentions) in cases)
        {
            await AssertRejectedAsync("/regions", body, mentions, what);

            // Not even the valid rows were applied, in the database or in the silo's lookups.
            Assert.Equal(0, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from regions where slug in ('gamma', 'alpha', 'beta', 'loop', 'delta')"));
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-01&origin=gamma&destination=asia")).StatusCode);
        }
    }

    [Fact]
    public async Task Invalid_ports_are_400_with_each_error_and_change_nothing()
    {
        (string What, string Body, string[] Mentions)[] cases =
        [
            ("unknown region", "code,name,region\nUSNYC,New York,north_europe\nUSLAX,Los Angeles,americas\n", ["row 2", "americas"]),
            ("lower case code", "code,name,region\nUSNYC,New York,north_europe\nuslax,Los Angeles,north_europe\n", ["row 2", "uslax"]),
            ("short code", "code,name,region\nUSNYC,New York,north_europe\nUSLA,Los Angeles,north_europe\n", ["row 2", "USLA"]),
            ("long code", "code,name,region\nUSNYC,New York,north_europe\nUSLAXX,Los Angeles,north_europe\n", ["row 2", "USLAXX"]),
            ("digit in country", "code,name,region\nUSNYC,New York,north_europe\nU1LAX,Los Angeles,north_europe\n", ["row 2", "U1LAX"]),
            ("punctuation", "code,name,region\nUSNYC,New York,north_europe\nUS-LA,Los Angeles,north_europe\n", ["row 2", "US-LA"]),
            ("duplicate code", "code,name,region\nUSNYC,New York,north_europe\nUSNYC,New York again,asia\n", ["row 2", "USNYC"]),
            ("duplicate of an update", "code,name,region\nNLRTM,Rotterdam 2,asia\nNLRTM,Rotterdam 3,med\n", ["row 2", "NLRTM"]),
            ("missing name", "code,name,region\nUSNYC,New York,north_europe\nUSLAX,,north_europe\n", ["row 2", "USLAX"]),
        ];

        foreach (var (what, body, mentions) in cases)
        {
            await AssertRejectedAsync("/ports", body, mentions, what);

            // USNYC (valid, row 1) was not added: rates do not know it, and the existing ports still work.
            Assert.Equal(0, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from ports where code = 'USNYC'"));
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-01&origin=USNYC&destination=asia")).StatusCode);
            Assert.Equal([new("2016-01-01", null, 0)], await RatesApi.GetAsync(Http, "asia", "NLRTM", "2016-01-01", "2016-01-01"));
        }

        var batch = await Http.PostAsync("/batches?id=rejected-port", TestData.PricesCsv([("USNYC", "NLRTM", "2016-01-01", 10)]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, batch.StatusCode);
    }

    [Fact]
    public async Task Every_invalid_row_is_reported_by_its_1_based_number_excluding_the_header()
    {
        var response = await Http.PutAsync("/ports", TestData.Csv("""
            code,name,region

            USNYC,New York,north_europe
            bad,Bad,north_europe
            USLAX,Los Angeles,atlantis
            USNYC,New York again,north_europe
            """));

        var errors = await ErrorsAsync(response);
        Assert.Equal(3, errors.Count);
        Assert.StartsWith("row 2:", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("row 3:", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("row 4:", errors[2], StringComparison.Ordinal);
        Assert.Equal(5, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from ports"));
    }

    [Fact]
    public async Task A_quoted_name_keeps_its_commas_and_quotes_and_broken_quoting_is_400()
    {
        (await Http.PutAsync("/ports", TestData.Csv("code,name,region\r\nNLRTM,\"Rotterdam, \"\"Maasvlakte\"\"\",north_europe\r\n"))).EnsureSuccessStatusCode();
        Assert.Equal("Rotterdam, \"Maasvlakte\"", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select name from ports where code = 'NLRTM'"));

        await AssertRejectedAsync("/ports", "code,name,region\nDEHAM,\"Ham\"burg,north_europe\n", ["row 1: field 2: text after the closing quote"], "broken quoting");
    }

    [Fact]
    public async Task Missing_header_columns_are_400_with_errors_and_change_nothing()
    {
        (string Path, string Body)[] cases =
        [
            ("/regions", "slug,name\nfoo,Foo\n"),
            ("/regions", "slug,title,parent\nfoo,Foo,world\n"),
            ("/ports", "code,region\nUSNYC,north_europe\n"),
            ("/ports", "port,name,region\nUSNYC,New York,north_europe\n"),
        ];

        foreach (var (path, body) in cases)
        {
            await AssertRejectedAsync(path, body, ["header"], $"PUT {path} {body.Split('\n')[0]}");
        }
    }

    [Fact]
    public async Task Replacing_regions_that_still_have_ports_is_rejected_naming_them()
    {
        var before = (Regions: await Sql.ScalarAsync<string>(_silo.ConnectionString, RegionsTable), Ports: await Sql.ScalarAsync<string>(_silo.ConnectionString, PortsTable));

        // med (ESBCN) and asia (CNSGH, CNNBO) are left out.
        var response = await Http.PutAsync("/regions?replace=true", TestData.Csv("""
            slug,name,parent
            world,World,
            europe,Europe,world
            north_europe,North Europe,europe
            """));

        var errors = await ErrorsAsync(response, HttpStatusCode.Conflict);
        Assert.Contains(errors, e => e.Contains("'med'", StringComparison.Ordinal) && e.Contains("ESBCN", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'asia'", StringComparison.Ordinal));
        Assert.Equal(5, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from regions"));
        Assert.Equal(before, (await Sql.ScalarAsync<string>(_silo.ConnectionString, RegionsTable), await Sql.ScalarAsync<string>(_silo.ConnectionString, PortsTable)));
        Assert.Equal([new("2016-01-01", null, 0)], await RatesApi.GetAsync(Http, "med", "asia", "2016-01-01", "2016-01-01"));
    }

    [Fact]
    public async Task Replacing_regions_removes_those_absent_from_the_body()
    {
        (await Http.PutAsync("/ports", TestData.Csv("code,name,region\nESBCN,Barcelona,europe\n"))).EnsureSuccessStatusCode();

        var response = await Http.PutAsync("/regions?replace=true", TestData.Csv("""
            slug,name,parent
            world,World,
            europe,Europe,world
            north_europe,North Europe,europe
            asia,Asia,world
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"regions":4,"replaced":true,"removed":["med"]}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("asia:Asia:world,europe:Europe:world,north_europe:North Europe:europe,world:World:-",
            await Sql.ScalarAsync<string>(_silo.ConnectionString, RegionsTable));
        var gone = await Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-01&origin=med&destination=asia");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Replacing_ports_removes_those_absent_and_a_batch_naming_a_removed_port_is_rejected()
    {
        var response = await Http.PutAsync("/ports?replace=true", TestData.Csv("""
            code,name,region
            NLRTM,Rotterdam,north_europe
            DEHAM,Hamburg,north_europe
            CNSGH,Shanghai,asia
            CNNBO,Ningbo,asia
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"ports":4,"replaced":true,"removed":["ESBCN"]}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from ports where code = 'ESBCN'"));
        Assert.Equal(4, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from ports"));

        var batch = await Http.PostAsync("/batches?id=removed-port", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 10), ("CNSGH", "ESBCN", "2016-01-01", 10)]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, batch.StatusCode);
        var error = JsonDocument.Parse(await batch.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal((1, "destination", "ESBCN"), (error.GetProperty("index").GetInt64(), error.GetProperty("field").GetString(), error.GetProperty("value").GetString()));
        Assert.Contains("unknown port", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));

        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-01&origin=ESBCN&destination=asia")).StatusCode);
        await RatesApi.UploadAsync(Http, "kept-ports", [("CNSGH", "NLRTM", "2016-01-01", 10)]);
    }

    [Fact]
    public async Task Lookups_equal_the_last_committed_ports_after_concurrent_puts()
    {
        // 3 prices ESBCN -> CNSGH: a region query from the region that holds ESBCN counts 3.
        await RatesApi.UploadAsync(Http, "moving", [("ESBCN", "CNSGH", "2016-01-01", 1), ("ESBCN", "CNSGH", "2016-01-01", 2), ("ESBCN", "CNSGH", "2016-01-01", 3)]);
        string[] regions = ["north_europe", "med", "asia"];
        for (var round = 1; round <= 60; round++)
        {
            // The same port moved to three regions at once: whichever commits last must be what lookups use.
            var puts = await Task.WhenAll(regions.Select(r => Http.PutAsync("/ports", TestData.Csv($"code,name,region\nESBCN,Barcelona,{r}\n"))));
            Assert.All(puts, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));

            var committed = await Sql.ScalarAsync<string>(_silo.ConnectionString, "select region_slug from ports where code = 'ESBCN'");
            var answer = await RatesApi.GetAsync(Http, committed, "CNSGH", "2016-01-01", "2016-01-01");
            Assert.True(answer[0].Count == 3,
                $"round {round}: the database has ESBCN in '{committed}' but GET /rates?origin={committed} counts {answer[0].Count} of its 3 prices: the silo's lookups kept an older upload");
        }
    }

    private async Task AssertRejectedAsync(string path, string body, string[] mentions, string what)
    {
        var regions = await Sql.ScalarAsync<string>(_silo.ConnectionString, RegionsTable);
        var ports = await Sql.ScalarAsync<string>(_silo.ConnectionString, PortsTable);

        var errors = await ErrorsAsync(await Http.PutAsync(path, TestData.Csv(body)));

        foreach (var mention in mentions)
        {
            Assert.True(errors.Any(e => e.Contains(mention, StringComparison.Ordinal)), $"{what}: no error mentions '{mention}': {string.Join(" | ", errors)}");
        }

        Assert.Equal(5, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from regions"));
        Assert.Equal(5, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from ports"));
        Assert.Equal(regions, await Sql.ScalarAsync<string>(_silo.ConnectionString, RegionsTable));
        Assert.Equal(ports, await Sql.ScalarAsync<string>(_silo.ConnectionString, PortsTable));
    }

    /// <summary>Asserts a problem (400 unless told) with a non-empty <c>errors</c> array of strings and returns them.</summary>
    internal static async Task<List<string>> ErrorsAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.BadRequest)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array, $"no 'errors' array: {text}");
        var list = errors.EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.NotEmpty(list);
        return list;
    }
}
