using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

/// <summary>
/// A reference upload answered 200 by one silo holds on every silo from then on, as a commit read
/// with its sequence does: no window in which another silo still answers from the old ports.
/// </summary>
[Collection("postgres")]
public sealed class ReferenceAcrossSilosTests(PostgresFixture postgres) : SilosOverOneDatabase(postgres)
{
    [Fact]
    public async Task Ports_put_through_one_silo_are_used_at_once_by_lookups_and_batches_on_another()
    {
        var writer = await StartSiloAsync();
        var reader = await StartSiloAsync();
        await TestData.LoadReferenceAsync(writer.Http);
        var seq = await RatesApi.UploadAsync(writer.Http, "asia-to-barcelona", [("CNSGH", "ESBCN", "2016-01-01", 60)]);
        Assert.Equal([new("2016-01-01", null, 1)], await RatesApi.GetAsync(reader.Http, "asia", "med", "2016-01-01", "2016-01-01", minCommitSeq: seq));

        // Several rounds: each would be lost to the race with the NOTIFY if the upload did not wait.
        for (var round = 0; round < 5; round++)
        {
            var code = $"US{(char)('A' + round)}{round:00}";
            (await writer.Http.PutAsync("/ports", TestData.Csv($"code,name,region\n{code},Port {round},north_europe\n"))).EnsureSuccessStatusCode();
            Assert.Equal([new("2016-01-01", null, 0)], await RatesApi.GetAsync(reader.Http, code, "CNSGH", "2016-01-01", "2016-01-01"));
            await RatesApi.UploadAsync(reader.Http, $"new-port-{round}", [(code, "CNSGH", "2016-01-01", 10)]);

            // Barcelona moves between the Mediterranean and North Europe; the reader's region answers follow.
            var (to, from) = round % 2 == 0 ? ("north_europe", "med") : ("med", "north_europe");
            (await writer.Http.PutAsync("/ports", TestData.Csv($"code,name,region\nESBCN,Barcelona,{to}\n"))).EnsureSuccessStatusCode();
            Assert.Equal([new("2016-01-01", null, 1)], await RatesApi.GetAsync(reader.Http, "CNSGH", to, "2016-01-01", "2016-01-01"));
            Assert.Equal([new("2016-01-01", null, 0)], await RatesApi.GetAsync(reader.Http, "CNSGH", from, "2016-01-01", "2016-01-01"));
        }
    }
}
