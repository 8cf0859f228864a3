using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

/// <summary><c>GET /ports</c> and <c>GET /regions</c>: JSON, and CSV that <c>PUT</c> takes back unchanged.</summary>
[Collection("postgres")]
public sealed class ReferenceListingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Tables = """
        select (select string_agg(id || ':' || code || ':' || name || ':' || region_slug, ',' order by code) from ports) || '|' ||
               (select string_agg(slug || ':' || name || ':' || coalesce(parent_slug, '-'), ',' order by slug) from regions)
        """;

    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(_silo.Http);

        // Names a naive CSV writer would break: a comma, quotes, spaces at the ends.
        (await _silo.Http.PutAsync("/ports", TestData.Csv("code,name,region\nCNSHA,\"Shanghai, \"\"Yangshan\"\"\",asia\nESVLC,\"  Valencia \",med\n"))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Ports_are_listed_as_json_by_code_and_filtered_by_a_region_and_its_subregions()
    {
        var all = JsonDocument.Parse(await _silo.Http.GetStringAsync("/ports")).RootElement;
        var europe = JsonDocument.Parse(await _silo.Http.GetStringAsync("/ports?region=europe")).RootElement;

        Assert.Equal(["CNNBO", "CNSGH", "CNSHA", "DEHAM", "ESBCN", "ESVLC", "NLRTM"], all.EnumerateArray().Select(p => p.GetProperty("code").GetString()));
        Assert.Equal("Shanghai, \"Yangshan\"", all[2].GetProperty("name").GetString());
        Assert.Equal("asia", all[2].GetProperty("region").GetString());
        Assert.Equal(["DEHAM", "ESBCN", "ESVLC", "NLRTM"], europe.EnumerateArray().Select(p => p.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Regions_are_listed_as_a_tree_with_parents_subregions_and_ports()
    {
        var regions = JsonDocument.Parse(await _silo.Http.GetStringAsync("/regions")).RootElement.EnumerateArray()
            .ToDictionary(r => r.GetProperty("slug").GetString()!);

        Assert.Equal(5, regions.Count);
        Assert.Equal(JsonValueKind.Null, regions["world"].GetProperty("parent").ValueKind);
        Assert.Equal(["asia", "europe"], regions["world"].GetProperty("regions").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal("europe", regions["north_europe"].GetProperty("parent").GetString());
        Assert.Equal(["DEHAM", "NLRTM"], regions["north_europe"].GetProperty("ports").EnumerateArray().Select(p => p.GetString()).Order());
    }

    [Fact]
    public async Task A_csv_download_uploaded_again_with_replace_changes_nothing()
    {
        var before = await Sql.ScalarAsync<string>(_silo.ConnectionString, Tables);
        var ports = await CsvAsync("/ports");
        var regions = await CsvAsync("/regions");

        Assert.StartsWith("code,name,region\n", ports, StringComparison.Ordinal);
        Assert.Contains("CNSHA,\"Shanghai, \"\"Yangshan\"\"\",asia\n", ports, StringComparison.Ordinal);
        Assert.StartsWith("slug,name,parent\nworld,World,\n", regions, StringComparison.Ordinal);
        (await _silo.Http.PutAsync("/regions?replace=true", TestData.Csv(regions))).EnsureSuccessStatusCode();
        (await _silo.Http.PutAsync("/ports?replace=true", TestData.Csv(ports))).EnsureSuccessStatusCode();

        Assert.Equal(before, await Sql.ScalarAsync<string>(_silo.ConnectionString, Tables));
        Assert.Equal(ports, await CsvAsync("/ports"));
        Assert.Equal(regions, await CsvAsync("/regions"));
    }

    [Theory]
    [InlineData("/ports?region=eurpe", "region 'eurpe' is not a known region slug; did you mean 'europe'?")]
    [InlineData("/rates?date_from=2016-01-01&date_to=2016-01-01&origin=CNSGA&destination=NLRTM", "origin 'CNSGA' is neither a known port code nor a known region slug; did you mean 'CNSGH' or 'CNSHA'?")]
    [InlineData("/rates?date_from=2016-01-01&date_to=2016-01-01&origin=CNSGH&destination=nlrtm", "destination 'nlrtm' is neither a known port code nor a known region slug; did you mean 'NLRTM'?")]
    [InlineData("/rates?date_from=2016-01-01&date_to=2016-01-01&origin=CNSGH&destination=QQQQQ", "destination 'QQQQQ' is neither a known port code nor a known region slug")]
    public async Task An_unknown_code_is_404_suggesting_the_closest_known_ones(string path, string detail)
    {
        using var response = await _silo.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(detail, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("text/csv", "text/csv")]
    [InlineData("application/json;q=0.5, text/csv", "text/csv")]
    [InlineData("text/*", "text/csv")]
    [InlineData("text/csv, */*", "text/csv")]
    [InlineData("text/csv;q=0", "application/json")]
    [InlineData("text/csv;q=0.4, application/json", "application/json")]
    [InlineData("text/*;q=0.9, text/csv;q=0", "application/json")]
    [InlineData("*/*", "application/json")]
    [InlineData("application/json", "application/json")]
    public async Task A_listing_is_csv_only_when_the_client_prefers_csv(string accept, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/regions");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _silo.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_region_filter_given_twice_is_400_naming_the_parameter()
    {
        using var response = await _silo.Http.GetAsync("/ports?region=europe&region=asia");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("region", problem.GetProperty("parameter").GetString());
        Assert.Equal("region is given 2 times; give one region slug, once", problem.GetProperty("detail").GetString());
    }

    private async Task<string> CsvAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await _silo.Http.SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }
}
