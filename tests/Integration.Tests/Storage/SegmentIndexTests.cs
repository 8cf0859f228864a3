using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PriceIngest.Grains.Compaction;
using PriceIngest.Grains.Lanes;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Storage;

/// <summary>
/// A commit indexes its segment with a BRIN only; the covering btree follows in the background.
/// Lookups are right in between, and nothing scans a segment whole for want of its btree.
/// </summary>
[Collection("postgres")]
public sealed class SegmentIndexTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly string[] Ports = ["NLRTM", "DEHAM", "ESBCN", "CNSGH", "CNNBO"];
    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        // No periodic sweep during a test: only the committing grain wakes the indexer.
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Segments:Interval=01:00:00");
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Committed_segment_gets_its_covering_btree_soon_after_the_answer()
    {
        var segment = await UploadAsync("b1", 3_000, seed: 1);

        await WaitIndexedAsync(segment);

        Assert.Equal(["brin", "btree"], await IndexKindsAsync(segment));
        Assert.Equal(0, await _silo.Services.GetRequiredService<SegmentIndexer>().BuildPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Cold_lanes_of_a_segment_without_its_btree_are_read_through_its_brin_and_answer_like_sql()
    {
        var segment = await UploadAsync("b1", 4_000, seed: 2);
        await WaitIndexedAsync(segment);
        await DropBtreeAsync(segment); // as if the silo had died between the commit and the build
        var brinScansBefore = await BrinScansAsync(segment);

        foreach (var origin in Ports)
        {
            foreach (var destination in Ports.Where(d => d != origin))
            {
                Assert.Equal(await SqlCountAsync(origin, destination), await ServiceCountAsync(origin, destination));
            }
        }

        // The lane loads probed the BRIN (statistics reach pg_stat_user_indexes within seconds).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await BrinScansAsync(segment) == brinScansBefore && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(await BrinScansAsync(segment) > brinScansBefore, "no lane load used the segment's BRIN");
    }

    [Fact]
    public async Task A_starting_silo_knows_every_lane_of_a_segment_without_its_btree_and_its_sweep_builds_the_btree()
    {
        var segment = await UploadAsync("b1", 2_000, seed: 3);
        await WaitIndexedAsync(segment);
        await DropBtreeAsync(segment);

        // The lane directory loads (commit feed start) before the indexer's first sweep starts.
        await using var second = await SiloInstance.StartAsync(_silo.ConnectionString, "--Segments:Interval=01:00:00");

        var lanes = await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(distinct lane) from prices");
        Assert.Equal(lanes, second.Services.GetRequiredService<LaneDirectory>().Count);
        var answer = await second.Http.GetFromJsonAsync<JsonElement>(
            "/rates?date_from=2016-01-01&date_to=2016-01-10&origin=world&destination=world&include_count=true");
        Assert.Equal(2_000, answer.EnumerateArray().Sum(day => day.GetProperty("count").GetInt64()));
        await WaitIndexedAsync(segment);
        Assert.Equal(["brin", "btree"], await IndexKindsAsync(segment));
    }

    private async Task<int> UploadAsync(string id, int count, int seed)
    {
        var rows = TestData.RandomPrices(new Random(seed), count);
        Assert.Equal(HttpStatusCode.OK, (await _silo.Http.PostAsync($"/batches?id={id}", TestData.PricesCsv(rows))).StatusCode);
        return await Sql.ScalarAsync<int>(_silo.ConnectionString, "select seg from batches where id = $1", id);
    }

    private async Task WaitIndexedAsync(int segment)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Sql.ScalarAsync<object>(_silo.ConnectionString, "select indexed_at from segments where seg = $1", segment) is DBNull)
        {
            Assert.True(DateTime.UtcNow < deadline, $"segment {segment} got no btree within 30 s");
            await Task.Delay(20);
        }
    }

    private async Task DropBtreeAsync(int segment)
    {
        await Sql.DropSegmentBtreeAsync(_silo.ConnectionString, segment);
        Assert.Equal(["brin"], await IndexKindsAsync(segment));
    }

    private async Task<string[]> IndexKindsAsync(int segment) =>
        (await Sql.ScalarAsync<string[]>(_silo.ConnectionString, """
            select array_agg(a.amname::text order by a.amname) from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
            where i.indrelid = ('prices_s' || $1)::regclass
            """, segment));

    private Task<long> BrinScansAsync(int segment) =>
        Sql.ScalarAsync<long>(_silo.ConnectionString, """
            select coalesce(sum(s.idx_scan), 0)::bigint from pg_stat_user_indexes s join pg_class c on c.oid = s.indexrelid join pg_am a on a.oid = c.relam
            where s.relid = ('prices_s' || $1)::regclass and a.amname = 'brin'
            """, segment);

    private Task<long> SqlCountAsync(string origin, string destination) =>
        Sql.ScalarAsync<long>(_silo.ConnectionString, """
            select count(*) from prices p join ports o on o.id = p.lane >> 16 join ports d on d.id = p.lane & 65535
            where o.code = $1 and d.code = $2
            """, origin, destination);

    private async Task<long> ServiceCountAsync(string origin, string destination)
    {
        var answer = await _silo.Http.GetFromJsonAsync<JsonElement>(
            $"/rates?date_from=2016-01-01&date_to=2016-01-10&origin={origin}&destination={destination}&include_count=true");
        return answer.EnumerateArray().Sum(day => day.GetProperty("count").GetInt64());
    }
}
