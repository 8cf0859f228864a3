using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Integration.Tests.Api;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Lanes;

/// <summary>
/// The lane directory lets a read skip lanes known to hold no price. It must never hide a lane: the
/// first prices of a lane, committed here or by another silo, are in every read that asks for their
/// commit, and a silo started over existing data knows every lane that has prices.
/// </summary>
[Collection("postgres")]
public sealed class LaneDirectoryTests(PostgresFixture postgres) : SilosOverOneDatabase(postgres)
{
    private static readonly string[] Ports = ["NLRTM", "DEHAM", "ESBCN", "CNSGH", "CNNBO"];

    [Fact]
    public async Task First_prices_of_a_lane_from_another_silo_are_in_a_read_asking_for_their_commit()
    {
        var reader = await StartSiloAsync();
        await TestData.LoadReferenceAsync(reader.Http);
        var writer = await StartSiloAsync();
        var directory = reader.Services.GetRequiredService<LaneDirectory>();

        // Every lane is empty and known so: the reader's directory is loaded and skips them all.
        Assert.All(await RatesApi.GetAsync(reader.Http, "world", "world", "2016-01-01", "2016-01-01"), d => Assert.Equal(0, d.Count));
        Assert.Equal(0, directory.Count);

        // Each commit gives one more lane its first prices; the reader asks for that commit at once.
        var lanes = Ports.SelectMany(o => Ports.Where(d => d != o).Select(d => (o, d))).ToArray();
        for (var i = 0; i < lanes.Length; i++)
        {
            var (origin, destination) = lanes[i];
            var seq = await RatesApi.UploadAsync(writer.Http, $"first-{i}", [(origin, destination, "2016-01-01", 100 + i), (origin, destination, "2016-01-01", 100 + i)]);

            var sum = Enumerable.Range(0, i + 1).Sum(k => 2 * (100 + k));
            var count = 2 * (i + 1);
            long? average = count >= 3 ? (long)Math.Round((decimal)sum / count, MidpointRounding.AwayFromZero) : null;
            Assert.Equal([new("2016-01-01", average, count)],
                await RatesApi.GetAsync(reader.Http, "world", "world", "2016-01-01", "2016-01-01", minCommitSeq: seq));
            Assert.Equal([new("2016-01-01", null, 2)],
                await RatesApi.GetAsync(reader.Http, origin, destination, "2016-01-01", "2016-01-01", minCommitSeq: seq));
            Assert.True(directory.MayHavePrices(Lane(reader, origin, destination)));
        }

        Assert.Equal(lanes.Length, directory.Count);
    }

    [Fact]
    public async Task First_prices_of_a_lane_committed_here_are_in_the_next_read()
    {
        var silo = await StartSiloAsync();
        await TestData.LoadReferenceAsync(silo.Http);
        var active = silo.Services.GetRequiredService<LaneSnapshots>();
        Assert.All(await RatesApi.GetAsync(silo.Http, "asia", "north_europe", "2016-01-01", "2016-01-02"), d => Assert.Equal(0, d.Count));
        Assert.False(active.IsActive(Lane(silo, "CNNBO", "DEHAM")), "an empty lane was activated");

        // The receipt comes once this silo applied the commit: the next read sees it without min_commit_seq.
        await RatesApi.UploadAsync(silo.Http, "local", [("CNNBO", "DEHAM", "2016-01-02", 1), ("CNNBO", "DEHAM", "2016-01-02", 2), ("CNNBO", "DEHAM", "2016-01-02", 3)]);
        Assert.Equal([new("2016-01-01", null, 0), new("2016-01-02", 2, 3)],
            await RatesApi.GetAsync(silo.Http, "asia", "north_europe", "2016-01-01", "2016-01-02"));

        // And a second commit on the now warm lane is added to it.
        var seq = await RatesApi.UploadAsync(silo.Http, "local-2", [("CNNBO", "DEHAM", "2016-01-02", 10)]);
        Assert.Equal([new("2016-01-01", null, 0), new("2016-01-02", 4, 4)],
            await RatesApi.GetAsync(silo.Http, "asia", "north_europe", "2016-01-01", "2016-01-02", minCommitSeq: seq));
    }

    [Fact]
    public async Task Cold_reads_of_a_silo_started_over_existing_data_equal_the_database()
    {
        var writer = await StartSiloAsync();
        await TestData.LoadReferenceAsync(writer.Http);
        var random = new Random(17);
        for (var batch = 0; batch < 4; batch++)
        {
            var rows = new List<(string, string, string, long)>();
            foreach (var origin in Ports)
            {
                foreach (var destination in Ports.Where(d => d != origin && random.Next(3) > 0))
                {
                    for (var n = random.Next(1, 60); n > 0; n--)
                    {
                        rows.Add((origin, destination, new DateOnly(2016, 1, 1).AddDays(random.Next(0, 90)).ToString("yyyy-MM-dd", null), random.Next(1, 5_000)));
                    }
                }
            }

            await RatesApi.UploadAsync(writer.Http, $"base-{batch}", rows);
        }

        // A fresh silo: its directory comes from the database, every lane is cold.
        var reader = await StartSiloAsync();
        var active = reader.Services.GetRequiredService<LaneSnapshots>();
        var lanesWithPrices = await Sql.ScalarAsync<long>(Database, "select count(distinct lane) from prices");
        Assert.Equal(lanesWithPrices, reader.Services.GetRequiredService<LaneDirectory>().Count);

        foreach (var (origin, destination) in new[] { ("world", "world"), ("asia", "europe"), ("CNSGH", "north_europe"), ("ESBCN", "CNNBO"), ("north_europe", "med") })
        {
            var expected = await ExpectedAsync(reader, origin, destination, "2016-01-01", "2016-04-30");
            Assert.Equal(expected, await RatesApi.GetAsync(reader.Http, origin, destination, "2016-01-01", "2016-04-30"));
        }

        // Only lanes with prices were woken.
        Assert.Equal(lanesWithPrices, active.Count);
    }

    [Fact]
    public async Task Directory_before_its_load_hides_nothing_and_after_it_knows_exactly_the_lanes_with_prices()
    {
        var silo = await StartSiloAsync();
        await TestData.LoadReferenceAsync(silo.Http);
        await RatesApi.UploadAsync(silo.Http, "some", [("CNSGH", "NLRTM", "2016-01-01", 10), ("DEHAM", "ESBCN", "2016-01-01", 10)]);

        await using var dataSource = NpgsqlDataSource.Create(Database);
        var directory = new LaneDirectory(dataSource);
        Assert.True(directory.MayHavePrices(Lane(silo, "CNNBO", "NLRTM")), "an unloaded directory must not rule a lane out");

        await directory.LoadAsync(CancellationToken.None);
        Assert.Equal(2, directory.Count);
        Assert.True(directory.MayHavePrices(Lane(silo, "CNSGH", "NLRTM")));
        Assert.True(directory.MayHavePrices(Lane(silo, "DEHAM", "ESBCN")));
        Assert.False(directory.MayHavePrices(Lane(silo, "NLRTM", "CNSGH")));
        Assert.False(directory.MayHavePrices(Lane(silo, "CNNBO", "NLRTM")));

        // Ids no port pair can make are never ruled out; adding twice counts once.
        Assert.True(directory.MayHavePrices(-1));
        directory.Add(Lane(silo, "CNNBO", "NLRTM"));
        directory.Add(Lane(silo, "CNNBO", "NLRTM"));
        Assert.Equal(3, directory.Count);
        Assert.True(directory.MayHavePrices(Lane(silo, "CNNBO", "NLRTM")));
    }

    /// <summary>The answer computed by PostgreSQL from the prices table (places resolved by the silo's reference data).</summary>
    private async Task<List<RateDay>> ExpectedAsync(SiloInstance silo, string origin, string destination, string from, string to)
    {
        var snapshot = silo.Services.GetRequiredService<ReferenceDataCache>().Current;
        Assert.True(snapshot.TryResolve(origin, out var origins));
        Assert.True(snapshot.TryResolve(destination, out var destinations));
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select to_char(d, 'YYYY-MM-DD'), case when count(p.price) >= 3 then round(avg(p.price))::bigint end, count(p.price)::int
            from generate_series($3::date, $4::date, interval '1 day') d
            left join prices p on p.day = d::date and p.lane >> 16 = any($1) and p.lane & 65535 = any($2) and p.lane >> 16 <> p.lane & 65535
            group by d order by d
            """, connection);
        command.Parameters.Add(new() { Value = origins.Select(p => (int)p).ToArray() });
        command.Parameters.Add(new() { Value = destinations.Select(p => (int)p).ToArray() });
        command.Parameters.Add(new() { Value = DateOnly.Parse(from, null) });
        command.Parameters.Add(new() { Value = DateOnly.Parse(to, null) });
        var days = new List<RateDay>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            days.Add(new(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt32(2)));
        }

        return days;
    }

    private static int Lane(SiloInstance silo, string origin, string destination)
    {
        var ports = silo.Services.GetRequiredService<ReferenceDataCache>().Current.PortsByCode;
        return LaneKey.Of(ports[origin].Id, ports[destination].Id);
    }
}
