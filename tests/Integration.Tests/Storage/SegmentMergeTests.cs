using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PriceIngest.Grains.Compaction;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Storage;

/// <summary>Background merges keep the segment count bounded without losing, doubling or half-showing a price.</summary>
[Collection("postgres")]
public sealed class SegmentMergeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        // The timer never fires during the test; the test drives merges itself.
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(),
            "--Segments:MaxSegments=4", "--Segments:MinAge=00:00:00", "--Segments:Interval=01:00:00");
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Merges_bound_the_segments_and_keep_every_price_and_answer()
    {
        var all = new List<(string, string, string, long)>();
        var random = new Random(11);
        for (var batch = 0; batch < 10; batch++)
        {
            var rows = Rows(random, 200 + (batch * 50));
            all.AddRange(rows);
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.PostAsync($"/batches?id=m{batch}", TestData.PricesCsv(rows))).StatusCode);
        }

        var before = await AnswersAsync();
        var merger = _silo.Services.GetRequiredService<SegmentMerger>();

        Assert.True(await merger.MergeIfDueAsync(CancellationToken.None) >= 2);
        Assert.Equal(0, await merger.MergeIfDueAsync(CancellationToken.None));

        var live = await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from segments where merged_into is null");
        Assert.True(live <= 4, $"{live} live segments");
        Assert.Equal(live, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from pg_inherits where inhparent = 'prices'::regclass"));
        Assert.Equal(all.Count, await Sql.PriceCountAsync(_silo.ConnectionString));
        Assert.Equal(all.Sum(r => r.Item4), await Sql.ScalarAsync<long>(_silo.ConnectionString, "select sum(price) from prices"));
        Assert.Equal(before, await AnswersAsync());

        // A later commit still lands in its own segment and is visible.
        Assert.Equal(HttpStatusCode.OK, (await _silo.Http.PostAsync("/batches?id=after", TestData.PricesCsv(Rows(random, 100)))).StatusCode);
        Assert.Equal(all.Count + 100, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Readers_during_a_merge_see_every_price_exactly_once()
    {
        var total = 0L;
        var random = new Random(5);
        for (var batch = 0; batch < 8; batch++)
        {
            var rows = Rows(random, 5_000);
            total += rows.Count;
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.PostAsync($"/batches?id=r{batch}", TestData.PricesCsv(rows))).StatusCode);
        }

        using var stop = new CancellationTokenSource();
        var observed = new List<long>();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                observed.Add(await Sql.PriceCountAsync(_silo.ConnectionString));
            }
        });

        var merged = await _silo.Services.GetRequiredService<SegmentMerger>().MergeIfDueAsync(CancellationToken.None);
        await Task.Delay(50);
        await stop.CancelAsync();
        await reader;

        Assert.True(merged >= 2);
        Assert.True(observed.Count > 1, "the reader never ran during the merge");
        Assert.All(observed, count => Assert.Equal(total, count));
    }

    [Fact]
    public async Task A_segment_still_waiting_for_its_btree_is_not_merged()
    {
        var random = new Random(17);
        for (var batch = 0; batch < 8; batch++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _silo.Http.PostAsync($"/batches?id=w{batch}", TestData.PricesCsv(Rows(random, 100)))).StatusCode);
        }

        // Wait for the commits' btrees, then take one away (as if its silo died before building it).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from segments where indexed_at is null") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the commits' btrees were not built within 30 s");
            await Task.Delay(20);
        }

        var waiting = await Sql.ScalarAsync<int>(_silo.ConnectionString, "select seg from batches where id = 'w0'");
        await Sql.DropSegmentBtreeAsync(_silo.ConnectionString, waiting);

        Assert.True(await _silo.Services.GetRequiredService<SegmentMerger>().MergeIfDueAsync(CancellationToken.None) >= 2);

        Assert.True(await Sql.ScalarAsync<bool>(_silo.ConnectionString, "select merged_into is null from segments where seg = $1", waiting));
        Assert.Equal(800, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public void Merge_choice_takes_the_smallest_old_segments_and_spares_a_much_bigger_one()
    {
        // 20 live segments, cap 16: 20 - 8 + 1 = 13 wanted. The young one is never taken; the
        // 1,000,000-row segment is more than twice all the small ones together, so it is spared.
        var live = Enumerable.Range(1, 18).Select(i => (i, 100L, true))
            .Append((19, 1_000_000L, true)).Append((20, 50L, false)).OrderBy(s => s.Item2).ToList();

        var chosen = SegmentMerger.Pick(live, maxSegments: 16);

        Assert.Equal(13, chosen.Length);
        Assert.DoesNotContain(19, chosen);
        Assert.DoesNotContain(20, chosen);
        Assert.Empty(SegmentMerger.Pick(live.Take(16).ToList(), maxSegments: 16));
    }

    private static List<(string Origin, string Destination, string Day, long Price)> Rows(Random random, int count) => TestData.RandomPrices(random, count);

    private async Task<string> AnswersAsync()
    {
        var answers = new List<string>();
        foreach (var (origin, destination) in new[] { ("world", "world"), ("europe", "asia"), ("CNSGH", "north_europe"), ("NLRTM", "DEHAM") })
        {
            answers.Add(JsonSerializer.Serialize(await _silo.Http.GetFromJsonAsync<JsonElement>(
                $"/rates?date_from=2016-01-01&date_to=2016-01-10&origin={origin}&destination={destination}&include_count=true")));
        }

        return string.Join("\n", answers);
    }
}
