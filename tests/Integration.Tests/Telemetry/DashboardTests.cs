using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Security;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>Orleans's dashboard on a gateway and on a silo, opened in a real browser.</summary>
[Collection("postgres")]
public sealed class DashboardTests(PostgresFixture postgres) : SilosOverOneDatabase(postgres)
{
    [Fact]
    public async Task The_dashboard_renders_in_chromium_and_lists_every_running_silo()
    {
        var first = await StartSiloAsync();
        var second = await StartSiloAsync();
        await using var gateway = await GatewayInstance.StartAsync(Database, configureServices: null);
        await TestData.LoadReferenceAsync(gateway.Http);
        (await gateway.Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-10&origin=CNSGH&destination=north_europe")).EnsureSuccessStatusCode();
        string[] silos = [Endpoint(first), Endpoint(second)];

        foreach (var (name, http) in new[] { ("gateway", gateway.Http), ("silo", first.Http) })
        {
            var page = new Uri(http.BaseAddress!, "/dashboard/#/silos");
            var dom = await RenderedUntilAsync(page, silos);
            foreach (var silo in silos)
            {
                Assert.True(dom.Contains(silo, StringComparison.Ordinal), $"the {name}'s dashboard does not list silo {silo}:\n{dom}");
            }

            await HeadlessChromium.ScreenshotAsync(page, TestArtifacts.PathOf($"orleans-dashboard-{name}.png"));
        }
    }

    [Fact]
    public async Task With_keys_configured_the_dashboard_is_for_the_admin_role_only()
    {
        using var keys = new KeysFile();
        var silo = await StartSiloAsync("--api-keys", keys.Path);

        Assert.Equal(HttpStatusCode.Unauthorized, (await silo.Http.GetAsync("/dashboard/")).StatusCode);
        using (KeysFile.Use(silo.Http, keys.Reader))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await silo.Http.GetAsync("/dashboard/")).StatusCode);
        }

        using (KeysFile.Use(silo.Http, keys.Admin))
        {
            var page = await silo.Http.GetAsync("/dashboard/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Telemetry_Dashboard_false_serves_no_dashboard()
    {
        var silo = await StartSiloAsync("--Telemetry:Dashboard=false");

        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/dashboard/")).StatusCode);
    }

    private static string Endpoint(SiloInstance silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.ToString();

    // A silo that just joined reaches the dashboard's cluster view within a refresh or two.
    private static async Task<string> RenderedUntilAsync(Uri page, string[] silos)
    {
        var dom = string.Empty;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            dom = await HeadlessChromium.RenderedDomAsync(page);
            if (silos.All(s => dom.Contains(s, StringComparison.Ordinal)))
            {
                break;
            }
        }

        return dom;
    }
}
