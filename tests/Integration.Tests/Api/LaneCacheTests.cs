using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.Rates;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

/// <summary>
/// The lane grains are a cache of PostgreSQL: they must answer the same after being collected and
/// reactivated, and follow commits made by other silos over the same database.
/// </summary>
[Collection("postgres")]
public sealed class LaneCacheTests(PostgresFixture postgres) : SilosOverOneDatabase(postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Lane_collected_while_prices_were_committed_answers_them_after_reactivation()
    {
        var silo = await StartSiloAsync();
        await TestData.LoadReferenceAsync(silo.Http);
        var active = silo.Services.GetRequiredService<LaneSnapshots>();
        var lane = Lane(silo, "CNSGH", "NLRTM");

        await RatesApi.UploadAsync(silo.Http, "before", [
            ("CNSGH", "NLRTM", "2016-01-01", 10), ("CNSGH", "NLRTM", "2016-01-01", 20), ("CNSGH", "NLRTM", "2016-01-01", 30),
        ]);
        Assert.Equal([new("2016-01-01", 20, 3), new("2016-01-02", null, 0)], await RatesApi.GetAsync(silo.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-02"));
        Assert.True(active.IsActive(lane), "the lane is not active after a read");
        Assert.True(active.TryGet(lane, out _, out _), "the active lane did not publish its days");
        Assert.True(await RatesApi.EventuallyAsync(() => Task.FromResult(active.Waking == 0), Deadline), "the lane's grain never woke");

        // Orleans collects every idle activation when asked to (as it does after the idle age).
        await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.True(await RatesApi.EventuallyAsync(() => Task.FromResult(!active.IsActive(lane)), Deadline), "the lane was never collected");
        Assert.False(active.TryGet(lane, out _, out _), "the collected lane left its days published");

        // 2016-01-01: 10, 20, 30, 40 -> 25; 2016-01-02: 5, 6, 7 -> 6
        await RatesApi.UploadAsync(silo.Http, "while-inactive", [
            ("CNSGH", "NLRTM", "2016-01-01", 40), ("CNSGH", "NLRTM", "2016-01-02", 5), ("CNSGH", "NLRTM", "2016-01-02", 6), ("CNSGH", "NLRTM", "2016-01-02", 7),
        ]);
        Assert.False(active.IsActive(lane), "the commit reactivated the lane; it was meant to land while the lane was inactive");
        var activations = active.Activations;

        Assert.Equal([new("2016-01-01", 25, 4), new("2016-01-02", 6, 3)], await RatesApi.GetAsync(silo.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-02"));
        Assert.True(await RatesApi.EventuallyAsync(() => Task.FromResult(active.Activations > activations), Deadline), "the read did not reactivate the lane");

        // And once more through a region, which wakes every asia -> north_europe lane with prices.
        Assert.Equal([new("2016-01-01", 25, 4), new("2016-01-02", 6, 3)], await RatesApi.GetAsync(silo.Http, "asia", "north_europe", "2016-01-01", "2016-01-02"));
    }

    [Fact]
    public async Task Commit_of_another_silo_is_in_the_warm_lanes_of_a_read_asking_for_its_commit_seq()
    {
        var reader = await StartSiloAsync();
        await TestData.LoadReferenceAsync(reader.Http);
        var writer = await StartSiloAsync();
        var active = reader.Services.GetRequiredService<LaneSnapshots>();

        await UploadLocalAsync(reader);
        await WarmAsync(reader);
        var activations = active.Activations;

        var seq = await RatesApi.UploadAsync(writer.Http, "remote", [
            ("CNSGH", "NLRTM", "2016-01-01", 40),
            ("CNNBO", "DEHAM", "2016-01-02", 1), ("CNNBO", "DEHAM", "2016-01-02", 2), ("CNNBO", "DEHAM", "2016-01-02", 3),
            ("ESBCN", "CNSGH", "2016-01-02", 7), ("ESBCN", "CNSGH", "2016-01-02", 8), ("ESBCN", "CNSGH", "2016-01-02", 9),
        ]);

        // CNSGH -> NLRTM 01: 10, 20, 30, 40 -> 25. asia -> north_europe 02: 1, 2, 3 -> 2.
        Assert.Equal([new("2016-01-01", 25, 4), new("2016-01-02", null, 0)],
            await RatesApi.GetAsync(reader.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-02", minCommitSeq: seq));
        Assert.Equal([new("2016-01-01", 25, 4), new("2016-01-02", 2, 3)],
            await RatesApi.GetAsync(reader.Http, "asia", "north_europe", "2016-01-01", "2016-01-02", minCommitSeq: seq));
        Assert.Equal(activations, active.Activations); // answered by the warm lanes, not by reloading them

        // A lane the reader never had loads the other silo's prices from the database: 7, 8, 9 -> 8.
        Assert.Equal([new("2016-01-01", null, 0), new("2016-01-02", 8, 3)],
            await RatesApi.GetAsync(reader.Http, "ESBCN", "asia", "2016-01-01", "2016-01-02", minCommitSeq: seq));
    }

    [Fact]
    public async Task Commit_of_another_silo_reaches_the_warm_lanes_within_seconds_without_min_commit_seq()
    {
        var reader = await StartSiloAsync();
        await TestData.LoadReferenceAsync(reader.Http);
        var writer = await StartSiloAsync();
        var active = reader.Services.GetRequiredService<LaneSnapshots>();

        await UploadLocalAsync(reader);
        await WarmAsync(reader);
        var activations = active.Activations;

        await RatesApi.UploadAsync(writer.Http, "remote", [
            ("CNSGH", "NLRTM", "2016-01-01", 40),
            ("CNNBO", "DEHAM", "2016-01-02", 1), ("CNNBO", "DEHAM", "2016-01-02", 2), ("CNNBO", "DEHAM", "2016-01-02", 3),
        ]);

        // The reader follows commits by LISTEN/NOTIFY, with a 1 s poll behind it.
        List<RateDay> expected = [new("2016-01-01", 25, 4), new("2016-01-02", 2, 3)];
        var clock = Stopwatch.StartNew();
        List<RateDay> last = [];
        var seen = await RatesApi.EventuallyAsync(
            async () => (last = await RatesApi.GetAsync(reader.Http, "asia", "north_europe", "2016-01-01", "2016-01-02")).SequenceEqual(expected),
            Deadline);

        Assert.True(seen, $"after {clock.Elapsed.TotalSeconds:0.0} s the reader still answers {string.Join(", ", last)}");
        Assert.Equal(activations, active.Activations);
        Assert.Equal([new("2016-01-01", 25, 4), new("2016-01-02", null, 0)], await RatesApi.GetAsync(reader.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-02"));
    }

    [Fact]
    public async Task Grain_activating_while_a_cold_read_preloads_its_lane_adopts_that_load()
    {
        // A rebalancer move activates a lane on a silo at any moment, also while a cold read there
        // has just registered the lane's preload (CI once answered 500 from the two loads ending).
        var silo = await StartSiloAsync();
        var snapshots = silo.Services.GetRequiredService<LaneSnapshots>();
        var loader = silo.Services.GetRequiredService<LaneLoader>();
        for (var i = 0; i < 200; i++)
        {
            var lane = LaneKey.Of(1_000 + i, 2_000);
            using var go = new ManualResetEventSlim();
            var activation = Task.Run(() =>
            {
                go.Set();
                while (!snapshots.IsActive(lane))
                {
                }

                return snapshots.Activate(lane);
            });
            go.Wait();
            var preloaded = snapshots.Preload([lane], loader);
            var (publication, preloading) = await activation;

            Assert.Same(preloaded.Single().Publication, publication);
            Assert.NotNull(preloading);
            await preloading;
            Assert.Null(publication.LoadFailure);
            Assert.NotNull(publication.Days);
            snapshots.Release(preloaded);
            snapshots.Withdraw(lane, publication);
        }
    }

    [Fact]
    public async Task Start_up_warm_up_loads_lanes_but_leaves_every_lane_cold()
    {
        var writer = await StartSiloAsync();
        await TestData.LoadReferenceAsync(writer.Http);
        await RatesApi.UploadAsync(writer.Http, "before-start", [
            ("CNSGH", "NLRTM", "2016-01-01", 10), ("CNSGH", "NLRTM", "2016-01-01", 20), ("CNSGH", "NLRTM", "2016-01-01", 30), ("CNNBO", "DEHAM", "2016-01-02", 7),
        ]);

        // A silo starting over lanes with prices warms its cold-read path on them as it starts;
        // readiness is Degraded until that ends.
        var silo = await StartSiloAsync("--Rates:WarmUpLanes=32");
        var snapshots = silo.Services.GetRequiredService<LaneSnapshots>();
        var warmUp = silo.Services.GetRequiredService<ReadPathWarmUp>();
        Assert.True(await RatesApi.EventuallyAsync(async () => await Readiness.StatusAsync(silo.Http) == "Healthy", TimeSpan.FromSeconds(30)), "the warm-up never ended");
        Assert.True(warmUp.ExecuteTask is { IsCompleted: true }, "ready while the warm-up still runs");
        Assert.True(warmUp.LanesLoaded >= 2, "the warm-up loaded no lane");
        Assert.Equal(0, snapshots.Count);
        Assert.Equal(0, snapshots.Activations);

        // Its first read of a lane is a cold one, and answers what the database holds.
        Assert.Equal([new("2016-01-01", 20, 3)], await RatesApi.GetAsync(silo.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-01"));
        Assert.True(await RatesApi.EventuallyAsync(() => Task.FromResult(snapshots.Activations == 1), Deadline), $"{snapshots.Activations} activations after one cold read");
    }

    [Fact]
    public async Task Lane_days_summing_past_int_answer_exactly_from_a_commit_and_from_a_load()
    {
        var silo = await StartSiloAsync();
        await TestData.LoadReferenceAsync(silo.Http);
        var active = silo.Services.GetRequiredService<LaneSnapshots>();
        const long Price = 10_000_000; // Ingest:MaxPrice; 300 of them are 3e9, past int.MaxValue
        static IEnumerable<(string, string, string, long)> Prices(string origin, string destination, int count) =>
            Enumerable.Repeat((origin, destination, "2016-01-01", Price), count);

        // CNSGH -> NLRTM is warm (and narrow) when the commit that widens it arrives.
        await RatesApi.UploadAsync(silo.Http, "narrow", Prices("CNSGH", "NLRTM", 1));
        Assert.Equal([new("2016-01-01", null, 1)], await RatesApi.GetAsync(silo.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-01"));
        var warm = Lane(silo, "CNSGH", "NLRTM");
        Assert.True(active.TryGet(warm, out var before, out _) && !before.IsWide, "the lane was not warm and narrow before the wide commit");

        // CNNBO -> DEHAM is cold: its first read loads a day beyond int.
        var seq = await RatesApi.UploadAsync(silo.Http, "wide", [.. Prices("CNSGH", "NLRTM", 299), .. Prices("CNNBO", "DEHAM", 300)]);

        Assert.Equal([new("2016-01-01", Price, 300)], await RatesApi.GetAsync(silo.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-01", minCommitSeq: seq));
        Assert.Equal([new("2016-01-01", Price, 300)], await RatesApi.GetAsync(silo.Http, "CNNBO", "DEHAM", "2016-01-01", "2016-01-01", minCommitSeq: seq));
        Assert.Equal([new("2016-01-01", Price, 600)], await RatesApi.GetAsync(silo.Http, "asia", "north_europe", "2016-01-01", "2016-01-01", minCommitSeq: seq));
        Assert.True(active.TryGet(warm, out var after, out _) && after.IsWide && after.SumAt(0) == 300 * Price, "the commit did not widen the warm lane");
    }

    [Fact]
    public async Task Days_a_lane_handed_out_whole_are_not_changed_by_later_commits()
    {
        var silo = await StartSiloAsync();
        await TestData.LoadReferenceAsync(silo.Http);
        var lane = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IPriceGrain>(Lane(silo, "CNSGH", "NLRTM"));

        await RatesApi.UploadAsync(silo.Http, "first", [("CNSGH", "NLRTM", "2016-01-01", 10), ("CNSGH", "NLRTM", "2016-01-02", 20)]);

        // The range covers every day the lane holds: the lane may hand out its arrays themselves.
        var held = await lane.GetDaysAsync(new(2016, 1, 1), new(2016, 1, 2), 0, CancellationToken.None);
        Assert.Equal([10, 20], held.Sums.ToArray());
        Assert.Equal([1, 1], held.Counts.ToArray());

        // Commits on days the lane already covers (the arrays need not grow), applied by the commit feed.
        await RatesApi.UploadAsync(silo.Http, "second", [("CNSGH", "NLRTM", "2016-01-01", 5), ("CNSGH", "NLRTM", "2016-01-02", 7)]);
        await RatesApi.UploadAsync(silo.Http, "third", [("CNSGH", "NLRTM", "2016-01-01", 1)]);

        // What a caller was given earlier (and may still be summing) is unchanged; a new read sees both commits.
        Assert.Equal([10, 20], held.Sums.ToArray());
        Assert.Equal([1, 1], held.Counts.ToArray());
        var now = await lane.GetDaysAsync(new(2016, 1, 1), new(2016, 1, 2), 0, CancellationToken.None);
        Assert.Equal([16, 27], now.Sums.ToArray());
        Assert.Equal([3, 2], now.Counts.ToArray());
    }

    /// <summary>
    /// Prices on CNSGH -> NLRTM (2016-01-01) and on CNNBO -> DEHAM (2016-01-05, outside the ranges read):
    /// reads activate only lanes with prices, and the tests need CNNBO -> DEHAM warm before the other
    /// silo's commit gives it prices in the range.
    /// </summary>
    private static Task<long> UploadLocalAsync(SiloInstance silo) =>
        RatesApi.UploadAsync(silo.Http, "local", [
            ("CNSGH", "NLRTM", "2016-01-01", 10), ("CNSGH", "NLRTM", "2016-01-01", 20), ("CNSGH", "NLRTM", "2016-01-01", 30), ("CNNBO", "DEHAM", "2016-01-05", 99),
        ]);

    /// <summary>
    /// Activates CNSGH -> NLRTM and every asia -> north_europe lane with prices in the silo, checks what
    /// they hold, and that the empty lanes of the region stayed inactive.
    /// </summary>
    private static async Task WarmAsync(SiloInstance silo)
    {
        Assert.Equal([new("2016-01-01", 20, 3), new("2016-01-02", null, 0)], await RatesApi.GetAsync(silo.Http, "CNSGH", "NLRTM", "2016-01-01", "2016-01-02"));
        Assert.Equal([new("2016-01-01", 20, 3), new("2016-01-02", null, 0)], await RatesApi.GetAsync(silo.Http, "asia", "north_europe", "2016-01-01", "2016-01-02"));
        var active = silo.Services.GetRequiredService<LaneSnapshots>();

        // A cold read answers from loads of its own and wakes the lanes' grains after it.
        Assert.True(await RatesApi.EventuallyAsync(() => Task.FromResult(active.Waking == 0), Deadline), "the lanes' grains never woke");
        foreach (var (origin, destination) in new[] { ("CNSGH", "NLRTM"), ("CNNBO", "DEHAM") })
        {
            Assert.True(active.IsActive(Lane(silo, origin, destination)), $"{origin} -> {destination} is not warm");
        }

        foreach (var (origin, destination) in new[] { ("CNSGH", "DEHAM"), ("CNNBO", "NLRTM") })
        {
            Assert.False(active.IsActive(Lane(silo, origin, destination)), $"{origin} -> {destination} holds no price but was activated");
        }
    }

    private static int Lane(SiloInstance silo, string origin, string destination)
    {
        var ports = silo.Services.GetRequiredService<ReferenceDataCache>().Current.PortsByCode;
        return LaneKey.Of(ports[origin].Id, ports[destination].Id);
    }
}
