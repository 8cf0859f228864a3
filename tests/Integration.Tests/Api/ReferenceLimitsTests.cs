using System.Net;
using System.Text;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

[Collection("postgres")]
public sealed class ReferenceLimitsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Too_many_new_ports_are_refused_without_using_up_port_ids()
    {
        var body = new StringBuilder("code,name,region\n");
        var codes = Enumerable.Range(0, 33_000).Select(i => $"Z{(char)('A' + (i / 17576 % 26))}{(char)('A' + (i / 676 % 26))}{(char)('A' + (i / 26 % 26))}{(char)('A' + (i % 26))}");
        foreach (var code in codes)
        {
            body.Append(code).Append(",Port ").Append(code).Append(",asia\n");
        }

        var refused = await _silo.Http.PutAsync("/ports", TestData.Csv(body.ToString()));
        var one = await _silo.Http.PutAsync("/ports", TestData.Csv("code,name,region\nJPTYO,Tokyo,asia\n"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("ids are left", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(6, await Sql.PriceCountAsync(_silo.ConnectionString) + await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from ports"));
    }

    [Fact]
    public async Task Names_with_control_characters_are_refused_naming_the_row()
    {
        var response = await _silo.Http.PutAsync("/ports", TestData.Csv("code,name,region\nJPTYO,To\u0000kyo,asia\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("row 1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_minimum_day_before_2000_stops_the_silo_at_start_up()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var silo = await SiloInstance.StartAsync(_silo.ConnectionString, "--Ingest:MinDay=1999-12-31");
            await silo.DisposeAsync();
        });

        Assert.Contains("MinDay", error.Message, StringComparison.Ordinal);
    }
}
