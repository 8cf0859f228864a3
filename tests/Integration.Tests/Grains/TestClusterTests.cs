using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Hosting;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.Services;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Grains;

/// <summary>
/// Grain behaviour in Orleans's in-process test cluster: two silos (each with the product's silo
/// services over one fresh database) and a client, as a gateway would use them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TestClusterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2016, 1, 1);
    private InProcessTestCluster _cluster = null!;
    private string _database = null!;

    private IClusterClient Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration["Logging:LogLevel:Default"] = "Warning";
            host.Configuration["Silo:Seed"] = "false";
            host.Configuration["Ingest:IdleTimeout"] = "00:00:03";
            host.Configuration["Ingest:DrainIdleTimeout"] = "00:00:01";
            host.Services.AddPriceIngestSilo(host.Configuration, _database);
        });
        builder.ConfigureSilo((_, silo) => silo.AddPriceIngestGrainServices());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        var reference = Client.GetGrain<IReferenceDataGrain>(0);
        await reference.PutRegionsAsync([new("world", "World", null), new("asia", "Asia", "world"), new("europe", "Europe", "world")], false, default);
        await reference.PutPortsAsync([new("CNSGH", "Shanghai", "asia"), new("CNNBO", "Ningbo", "asia"), new("NLRTM", "Rotterdam", "europe"), new("DEHAM", "Hamburg", "europe")], AbsentPorts.Kept, default);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Batch_with_one_invalid_item_is_rejected_whole_and_a_valid_one_commits_every_item()
    {
        var rejected = await UploadAsync("mixed", [Item("CNSGH", "NLRTM", 10), Item("CNSGH", "XXXXX", 20), Item("CNNBO", "DEHAM", 30)]);
        Assert.Equal(BatchState.Rejected, rejected.State);
        Assert.Equal(1, rejected.InvalidItems);
        Assert.Equal("destination", Assert.Single(rejected.Errors).Field);
        Assert.Equal(0L, await Sql.PriceCountAsync(_database));

        var committed = await UploadAsync("valid", [Item("CNSGH", "NLRTM", 10), Item("CNNBO", "DEHAM", 30)]);
        Assert.Equal(BatchState.Committed, committed.State);
        Assert.Equal(2L, await Sql.PriceCountAsync(_database));
    }

    [Fact]
    public async Task Duplicate_id_is_refused_while_in_progress_and_answered_with_the_first_receipt_after()
    {
        var grain = Client.GetGrain<IBatchGrain>("dup");
        var start = await grain.StartAsync(new BatchHeader("dup", "test", null), default);
        Assert.NotNull(start.UploadToken);
        await Assert.ThrowsAsync<BatchInProgressException>(() => UploadAsync("dup", [Item("CNSGH", "NLRTM", 1)]));

        await grain.AppendAsync(start.UploadToken!.Value, Chunk(0, [Item("CNSGH", "NLRTM", 10), Item("CNSGH", "NLRTM", 20)]), default);
        var first = await grain.CommitAsync(start.UploadToken.Value, default);
        Assert.Equal(BatchState.Committed, first.State);

        // Sent again (a client retry): the first receipt, nothing read, nothing added.
        var again = await UploadAsync("dup", [Item("CNSGH", "NLRTM", 99)]);
        Assert.Equal((BatchState.Committed, first.CommitSeq, 2L), (again.State, again.CommitSeq, again.Items));
        Assert.Equal(2L, await Sql.PriceCountAsync(_database));
    }

    [Fact]
    public async Task An_attempt_its_sender_gave_up_on_is_dropped_when_the_sender_starts_again_and_another_sender_is_still_refused()
    {
        var grain = Client.GetGrain<IBatchGrain>("lost");
        var sender = Guid.NewGuid();
        var header = new BatchHeader("lost", "test", null, sender);
        var lost = await grain.StartAsync(header, default);
        await grain.AppendAsync(lost.UploadToken!.Value, Chunk(0, [Item("CNSGH", "NLRTM", 10)]), default);

        // Neither an anonymous caller nor another sender may take the id over.
        await Assert.ThrowsAsync<BatchInProgressException>(() => grain.StartAsync(header with { Sender = Guid.Empty }, default));
        await Assert.ThrowsAsync<BatchInProgressException>(() => grain.StartAsync(header with { Sender = Guid.NewGuid() }, default));

        // The same sender again: its open attempt is aborted and it is told to send again.
        var dropped = await Assert.ThrowsAsync<ServiceUnavailableException>(() => grain.StartAsync(header, default));
        Assert.True(dropped.OtherSiloMayServe);
        Assert.Equal("aborted", await Sql.ScalarAsync<string>(_database, "select state from batches where id = 'lost'"));
        await Assert.ThrowsAsync<UploadExpiredException>(() => grain.CommitAsync(lost.UploadToken.Value, default));

        var committed = await grain.UploadAsync(header, Chunks([Item("CNNBO", "DEHAM", 30), Item("CNNBO", "DEHAM", 40)]), default);
        Assert.Equal((BatchState.Committed, 2L), (committed.State, committed.Items));
        Assert.Equal(2L, await Sql.PriceCountAsync(_database));
    }

    [Fact]
    public async Task An_upload_that_hears_nothing_for_the_idle_timeout_is_aborted_and_its_id_is_free()
    {
        var grain = Client.GetGrain<IBatchGrain>("silent");
        var header = new BatchHeader("silent", "test", null, Guid.NewGuid());
        var silent = await grain.StartAsync(header, default);
        await grain.AppendAsync(silent.UploadToken!.Value, Chunk(0, [Item("CNSGH", "NLRTM", 10)]), default);

        var reason = await AbortReasonAsync("silent");
        Assert.Contains("Ingest:IdleTimeout", reason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UploadExpiredException>(() => grain.CommitAsync(silent.UploadToken.Value, default));

        // Another sender may have the id now; nothing of the silent upload was written.
        var committed = await UploadAsync("silent", [Item("CNNBO", "DEHAM", 30)]);
        Assert.Equal(BatchState.Committed, committed.State);
        Assert.Equal(1L, await Sql.PriceCountAsync(_database));
    }

    [Fact]
    public async Task While_the_silo_stops_an_upload_is_aborted_after_the_shorter_drain_idle_timeout()
    {
        var grain = Client.GetGrain<IBatchGrain>("left-behind");
        var start = await grain.StartAsync(new BatchHeader("left-behind", "test", null, Guid.NewGuid()), default);
        await grain.AppendAsync(start.UploadToken!.Value, Chunk(0, [Item("CNSGH", "NLRTM", 10)]), default);
        foreach (var silo in _cluster.GetActiveSilos())
        {
            silo.ServiceProvider.GetRequiredService<UploadsInProgress>().BeginDrain();
        }

        Assert.Contains("Ingest:DrainIdleTimeout", await AbortReasonAsync("left-behind"), StringComparison.Ordinal);
        Assert.Equal(0L, await Sql.PriceCountAsync(_database));
    }

    [Fact]
    public async Task Lanes_cached_on_either_silo_follow_a_commit_made_through_the_other()
    {
        var silos = _cluster.GetActiveSilos().ToArray();
        Assert.Equal(2, silos.Length);
        var first = silos[0].ServiceProvider.GetRequiredService<IRatesService>();
        var second = silos[1].ServiceProvider.GetRequiredService<IRatesService>();
        var before = await UploadAsync("before", [Item("CNSGH", "NLRTM", 10), Item("CNSGH", "NLRTM", 20), Item("CNSGH", "NLRTM", 30), Item("CNNBO", "DEHAM", 5)]);

        // A read on a silo activates the lanes it needs there: CNSGH -> NLRTM on the first, CNNBO -> DEHAM on the second.
        Assert.Equal(20, (await first.GetRatesAsync(Query("CNSGH", "NLRTM", before.CommitSeq), default))[0].AveragePrice);
        Assert.Equal(1, (await second.GetRatesAsync(Query("CNNBO", "DEHAM", before.CommitSeq), default))[0].Count);
        Assert.True(Active(silos[0], "CNSGH", "NLRTM"), "CNSGH -> NLRTM is not cached on the first silo");
        Assert.True(Active(silos[1], "CNNBO", "DEHAM"), "CNNBO -> DEHAM is not cached on the second silo");

        // A commit that touches both lanes: every silo answers it, for its own lanes and the other's.
        var after = await UploadAsync("after", [Item("CNSGH", "NLRTM", 40), Item("CNNBO", "DEHAM", 6), Item("CNNBO", "DEHAM", 7)]);
        foreach (var silo in new[] { first, second })
        {
            Assert.Equal((25L, 4), Answer(await silo.GetRatesAsync(Query("CNSGH", "NLRTM", after.CommitSeq), default)));
            Assert.Equal((6L, 3), Answer(await silo.GetRatesAsync(Query("CNNBO", "DEHAM", after.CommitSeq), default)));
            Assert.Equal((17L, 7), Answer(await silo.GetRatesAsync(Query("asia", "europe", after.CommitSeq), default)));
        }

        // And through the stateless rates grain, as a gateway asks.
        Assert.Equal((17L, 7), Answer(await Client.GetGrain<IRatesGrain>(7).GetRatesAsync(Query("asia", "europe", after.CommitSeq), default)));
    }

    /// <summary>Waits (at most 30 s) until the batch is recorded as aborted; its reason.</summary>
    private async Task<string> AbortReasonAsync(string id)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await Sql.ScalarAsync<string>(_database, "select state from batches where id = $1", id) != "aborted")
        {
            await Task.Delay(100, deadline.Token);
        }

        return await Sql.ScalarAsync<string>(_database, "select reason from batches where id = $1", id);
    }

    private Task<BatchOutcome> UploadAsync(string id, PriceItem[] items) =>
        Client.GetGrain<IBatchGrain>(id).UploadAsync(new BatchHeader(id, "test", items.Length), Chunks(items), default);

    private static async IAsyncEnumerable<PriceChunk> Chunks(PriceItem[] items)
    {
        await Task.Yield();
        yield return Chunk(0, items);
    }

    private static PriceChunk Chunk(long first, PriceItem[] items) => new(first, [.. items], []);

    private static PriceItem Item(string origin, string destination, long price) => new(origin, destination, Day, price);

    private static RatesQuery Query(string origin, string destination, long? minCommitSeq) => new(origin, destination, Day, Day, MinCommitSeq: minCommitSeq);

    private static (long?, int) Answer(ImmutableArray<DayRate> days) => (days[0].AveragePrice, days[0].Count);

    private static bool Active(InProcessSiloHandle silo, string origin, string destination)
    {
        var services = silo.ServiceProvider;
        var ports = services.GetRequiredService<PriceIngest.Grains.ReferenceData.ReferenceDataCache>().Current.PortsByCode;
        return services.GetRequiredService<LaneSnapshots>().IsActive(LaneKey.Of(ports[origin].Id, ports[destination].Id));
    }
}
