using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;
using PriceIngest.Contracts.V1;
using Grpc.Core;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using Xunit.Abstractions;

namespace PriceIngest.Integration.Tests.Cluster;

/// <summary>
/// The cluster as real processes on loopback: silos and gateways over one PostgreSQL, rolling
/// restarts under load, a silo killed mid-upload, a silo joining under load, read-your-writes
/// across gateways. Each test is bounded (processes killed on dispose, every wait has a limit).
/// </summary>
[Collection(ClusterPostgresCollection.Name)]
public sealed class ClusterProcessTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly DateOnly From = new(2016, 1, 1);
    private static readonly DateOnly To = new(2016, 12, 31);

    // Was skipped: one lane cache missed one commit under load. Root cause (fixed on main in 35b1ac9):
    // CommitFeed read another silo's commit through the partitioned parent and could plan with a
    // partition list lacking the new segment; it now reads the segment's own table.
    [Fact]
    public async Task Rolling_restart_of_every_silo_then_every_gateway_under_load_loses_no_call_and_commits_every_batch_once()
    {
        await using var cluster = await Cluster.CreateAsync(await postgres.CreateDatabaseAsync());
        var silos = new List<Cluster.Node> { await cluster.StartSiloAsync(seed: true), await cluster.StartSiloAsync(), await cluster.StartSiloAsync() };
        var gateways = new List<Cluster.Node> { await cluster.StartGatewayAsync(), await cluster.StartGatewayAsync() };
        var ports = await PortCodesAsync(cluster);
        var queries = await QueriesAsync(cluster);
        var before = await PriceMultisetAsync(cluster.ConnectionString);

        Load? load = null;
        using var client = Cluster.Client(gateways, notice => load!.OnRetry(notice));
        using var running = load = new Load(client, ports, queries);
        load.Start(uploaders: 3, readers: 2, itemsPerBatch: 1_000, pause: TimeSpan.FromMilliseconds(100));
        await Task.Delay(TimeSpan.FromSeconds(2));

        var drains = new List<string>();
        for (var i = 0; i < silos.Count; i++)
        {
            var old = silos[i];
            var (code, elapsed) = await old.Process.StopWithSigtermAsync(Cluster.StopTimeout);
            Assert.True(code == 0, $"silo {i} exited {code}\n{old.Process.OutputTail()}");
            drains.Add($"silo {i}: {elapsed.TotalMilliseconds:0} ms");
            silos[i] = await cluster.StartSiloAsync(httpPort: old.HttpPort, grpcPort: old.GrpcPort);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        for (var i = 0; i < gateways.Count; i++)
        {
            var old = gateways[i];
            var (code, elapsed) = await old.Process.StopWithSigtermAsync(Cluster.StopTimeout);
            Assert.True(code == 0, $"gateway {i} exited {code}\n{old.Process.OutputTail()}");
            drains.Add($"gateway {i}: {elapsed.TotalMilliseconds:0} ms");
            gateways[i] = await cluster.StartGatewayAsync(old.HttpPort, old.GrpcPort);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        await load.StopAsync();
        output.WriteLine($"committed batches {load.Committed.Count}, lookups {load.Lookups}, client retries {load.Retries}, failed calls {load.Failures.Count}");
        output.WriteLine("SIGTERM to exit: " + string.Join(", ", drains));
        Assert.True(load.Failures.IsEmpty, "failed client calls:\n" + string.Join('\n', load.Failures.Take(20)) + "\nlogged by the cluster:\n" + cluster.LoggedProblems());
        Assert.True(load.Committed.Count >= 8, $"only {load.Committed.Count} batches committed under load");

        // Every batch committed exactly once, and the table is exactly the seed plus the committed batches.
        await AssertExactlyOnceAsync(cluster.ConnectionString, load, before);

        var lastSeq = load.Committed.Values.Max(b => b.CommitSeq);
        foreach (var gateway in gateways)
        {
            await AssertAnswersEqualSqlAsync(cluster, gateway, queries, lastSeq,
                (origin, destination, day) => CacheDiagnosis.DescribeAsync(cluster, silos, load.Committed, origin, destination, day, lastSeq));
        }
    }

    [Fact]
    public async Task Silo_killed_mid_upload_writes_nothing_and_the_clients_retry_through_the_gateway_commits_once()
    {
        await using var cluster = await Cluster.CreateAsync(await postgres.CreateDatabaseAsync());
        var silos = new[] { await cluster.StartSiloAsync(seed: true), await cluster.StartSiloAsync() };
        var gateway = await cluster.StartGatewayAsync();
        var ports = await PortCodesAsync(cluster);
        var items = Load.Batch(7, 300_000, ports);
        var pricesBefore = await Sql.PriceCountAsync(cluster.ConnectionString);

        // The first attempt stalls after 100,000 items (more than the gateway may replay) until the silo is dead.
        var halfway = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var attempts = 0;
        async IAsyncEnumerable<PriceItem> Source([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            var attempt = Interlocked.Increment(ref attempts);
            for (var i = 0; i < items.Count; i++)
            {
                if (attempt == 1 && i == 100_000)
                {
                    halfway.TrySetResult();
                    await release.Task.WaitAsync(token);
                }

                yield return items[i];
            }
        }

        var retries = 0;
        using var client = Cluster.Client([gateway], _ => Interlocked.Increment(ref retries));
        var upload = client.UploadAsync("big-batch", Source);
        await halfway.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Cluster.Node? receiving = null;
        foreach (var silo in silos)
        {
            receiving = await Cluster.MetricAsync(silo, "priceingest_uploads_open") > 0 ? silo : receiving;
        }

        Assert.NotNull(receiving);
        await receiving.Process.KillAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(pricesBefore, await Sql.PriceCountAsync(cluster.ConnectionString));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cluster.ConnectionString, "select count(*) from batches where id = 'big-batch' and state = 'committed'"));

        release.SetResult();
        var receipt = await upload.WaitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"attempts {attempts}, client retries {retries}, commit {receipt.CommitSeq}");
        Assert.Equal(BatchStatus.Committed, receipt.Status);
        Assert.Equal(300_000L, receipt.Items);
        Assert.True(attempts >= 2, "the killed upload was not retried");
        Assert.Equal(pricesBefore + 300_000, await Sql.PriceCountAsync(cluster.ConnectionString));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(cluster.ConnectionString, "select count(*) from batches where id = 'big-batch' and state = 'committed'"));

        // A second retry of the same id is answered with the first receipt, nothing added.
        var again = await client.UploadAsync("big-batch", _ => items.Take(10).ToAsyncEnumerable());
        Assert.Equal((BatchStatus.Committed, receipt.CommitSeq), (again.Status, again.CommitSeq));
        Assert.Equal(pricesBefore + 300_000, await Sql.PriceCountAsync(cluster.ConnectionString));
    }

    [Fact]
    public async Task A_fourth_silo_added_under_load_receives_lanes_and_answers_correctly()
    {
        await using var cluster = await Cluster.CreateAsync(await postgres.CreateDatabaseAsync());
        var silos = new List<Cluster.Node> { await cluster.StartSiloAsync(seed: true), await cluster.StartSiloAsync(), await cluster.StartSiloAsync() };
        var gateway = await cluster.StartGatewayAsync();
        var ports = await PortCodesAsync(cluster);
        var queries = await QueriesAsync(cluster);

        Load? load = null;
        using var client = Cluster.Client([gateway], notice => load!.OnRetry(notice));
        using var running = load = new Load(client, ports, queries);
        load.Start(uploaders: 1, readers: 3, itemsPerBatch: 2_000, pause: TimeSpan.FromMilliseconds(50));
        await Task.Delay(TimeSpan.FromSeconds(2));

        var fourth = await cluster.StartSiloAsync();
        silos.Add(fourth);
        var joined = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Under this load: how long after its receipt is an upload visible to a read without min_commit_seq?
        var staleness = new List<double>();
        for (var round = 0; round < 100; round++)
        {
            var (origin, destination) = (ports[(round * 3) % ports.Count], ports[((round * 3) + 2) % ports.Count]);
            var day = new DateOnly(2016, 5, 1).AddDays(round % 60);
            var before = (await client.GetRatesAsync(origin, destination, day, day)).Days[0].Count;
            var items = Enumerable.Range(0, 2).Select(_ => new PriceItem { Origin = origin, Destination = destination, Day = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Price = 777 }).ToList();
            var receipt = await client.UploadAsync($"stale-{round}", _ => items.ToAsyncEnumerable());
            var watch = Stopwatch.StartNew();
            while ((await client.GetRatesAsync(origin, destination, day, day)).Days[0].Count < before + 2 && watch.Elapsed < TimeSpan.FromSeconds(10))
            {
            }

            staleness.Add(watch.Elapsed.TotalMilliseconds);
        }

        staleness.Sort();
        output.WriteLine($"stale window under load (receipt -> visible without min_commit_seq): p50 {staleness[staleness.Count / 2]:0.0} ms, " +
            $"p95 {staleness[(int)(staleness.Count * 0.95)]:0.0} ms, p99 {staleness[(int)(staleness.Count * 0.99)]:0.0} ms, max {staleness[^1]:0.0} ms over {staleness.Count} uploads");

        // Orleans's activation rebalancer spreads the lanes: within 2 minutes of the join every silo
        // holds between half and twice the mean number of lane activations.
        double[] lanes = [];
        var balanced = false;
        while (!balanced && joined.Elapsed < TimeSpan.FromMinutes(2))
        {
            lanes = await Task.WhenAll(silos.Select(silo => Cluster.MetricAsync(silo, "priceingest_lanes_active")));
            var mean = lanes.Average();
            balanced = mean > 0 && lanes.All(n => n >= mean / 2 && n <= mean * 2);
            if (!balanced)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }

        await load.StopAsync();
        output.WriteLine($"lane activations per silo {string.Join(" / ", lanes)} {joined.Elapsed.TotalSeconds:0} s after the 4th joined; lookups {load.Lookups}, retries {load.Retries}");
        Assert.True(load.Failures.IsEmpty, "failed client calls:\n" + string.Join('\n', load.Failures.Take(20)) + "\nlogged by the cluster:\n" + cluster.LoggedProblems());
        Assert.True(balanced, $"lanes per silo {string.Join(" / ", lanes)} are not within half and twice their mean 2 minutes after the join");
        Assert.True(await Cluster.MetricAsync(fourth, "priceingest_lanes_active") > 0, "the new silo was given no lanes");
        await AssertAnswersEqualSqlAsync(cluster, gateway, queries, load.Committed.Values.Select(b => b.CommitSeq).DefaultIfEmpty(0).Max());
    }

    [Fact]
    public async Task Upload_through_one_gateway_is_always_visible_through_the_other_with_its_commit_sequence()
    {
        await using var cluster = await Cluster.CreateAsync(await postgres.CreateDatabaseAsync());
        _ = new[] { await cluster.StartSiloAsync(seed: true), await cluster.StartSiloAsync() };
        var a = await cluster.StartGatewayAsync();
        var b = await cluster.StartGatewayAsync();
        var ports = await PortCodesAsync(cluster);
        using var writer = Cluster.Client([a]);
        using var reader = Cluster.Client([b]);

        // Warm the caches of the lanes about to change, so a stale cache would show.
        var staleness = new List<double>();
        for (var round = 0; round < 15; round++)
        {
            var (origin, destination) = (ports[round % ports.Count], ports[(round + 1) % ports.Count]);
            await reader.GetRatesAsync(origin, destination, From, To);
            var items = Enumerable.Range(0, 3).Select(i => new PriceItem { Origin = origin, Destination = destination, Day = "2016-03-01", Price = 1_000_000 + round }).ToList();
            var receipt = await writer.UploadAsync($"ryw-{round}", _ => items.ToAsyncEnumerable());
            Assert.Equal(BatchStatus.Committed, receipt.Status);
            var sql = await cluster.SqlRatesAsync(origin, destination, new DateOnly(2016, 3, 1), new DateOnly(2016, 3, 1));

            // Without min_commit_seq a read may be stale: measure for how long (reported, not asserted).
            var watch = Stopwatch.StartNew();
            while ((await reader.GetRatesAsync(origin, destination, new DateOnly(2016, 3, 1), new DateOnly(2016, 3, 1))).Days[0].Count != sql[0].Count
                && watch.Elapsed < TimeSpan.FromSeconds(10))
            {
            }

            staleness.Add(watch.Elapsed.TotalMilliseconds);

            var reply = await reader.GetRatesAsync(origin, destination, new DateOnly(2016, 3, 1), new DateOnly(2016, 3, 1), receipt.CommitSeq);
            Assert.Equal(sql[0].Count, reply.Days[0].Count);
            Assert.Equal(sql[0].Average, reply.Days[0].HasAveragePrice ? reply.Days[0].AveragePrice : null);
        }

        staleness.Sort();
        output.WriteLine($"stale window without min_commit_seq (upload answered -> visible through the other gateway): " +
            $"p50 {staleness[staleness.Count / 2]:0.0} ms, max {staleness[^1]:0.0} ms over {staleness.Count} uploads");
    }

    [Fact]
    public async Task Silo_killed_with_sigkill_is_declared_dead_within_seconds_and_lookups_meanwhile_succeed()
    {
        await using var cluster = await Cluster.CreateAsync(await postgres.CreateDatabaseAsync());
        var silos = new[] { await cluster.StartSiloAsync(seed: true), await cluster.StartSiloAsync(), await cluster.StartSiloAsync() };
        var gateway = await cluster.StartGatewayAsync();
        var ports = await PortCodesAsync(cluster);
        var queries = await QueriesAsync(cluster);

        Load? load = null;
        using var client = Cluster.Client([gateway], notice => load!.OnRetry(notice));
        using var running = load = new Load(client, ports, queries);
        load.Start(uploaders: 0, readers: 3, itemsPerBatch: 0, pause: TimeSpan.FromMilliseconds(20));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var victim = silos[1];
        var watch = Stopwatch.StartNew();
        await victim.Process.KillAsync();
        await cluster.WaitForStatusAsync(victim, Cluster.Dead, TimeSpan.FromSeconds(30));
        var declared = watch.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await load.StopAsync();

        output.WriteLine($"SIGKILL -> declared dead in the membership table: {declared.TotalMilliseconds:0} ms; lookups {load.Lookups}, client retries {load.Retries}");
        Assert.True(declared < TimeSpan.FromSeconds(10), $"declared dead only after {declared}");
        Assert.True(load.Failures.IsEmpty, "failed client calls:\n" + string.Join('\n', load.Failures.Take(20)) + "\nlogged by the cluster:\n" + cluster.LoggedProblems());
        await AssertAnswersEqualSqlAsync(cluster, gateway, queries, 0);
    }

    [Fact]
    public async Task Gateway_without_an_active_silo_answers_503_with_retry_after_within_its_retry_budget()
    {
        await using var cluster = await Cluster.CreateAsync(await postgres.CreateDatabaseAsync());
        var silo = await cluster.StartSiloAsync();
        var gateway = await cluster.StartGatewayAsync();
        await TestData.LoadReferenceAsync(gateway.Process.Http);
        await silo.Process.StopWithSigtermAsync(Cluster.StopTimeout);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var watch = Stopwatch.StartNew();
        using var response = await gateway.Process.Http.GetAsync(new Uri("/rates?date_from=2016-01-01&date_to=2016-01-02&origin=CNSGH&destination=NLRTM", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter is not null, "no Retry-After");
        // Gateway:MaxAttempts 6 from Gateway:RetryDelay 100 ms, doubling: about 3 s of retries.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}");

        using var client = Cluster.Client([gateway]);
        var failure = await Assert.ThrowsAsync<RpcException>(() => client.GetRatesAsync("CNSGH", "NLRTM", From, From));
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
    }

    internal static async Task AssertAnswersEqualSqlAsync(Cluster cluster, Cluster.Node gateway, IEnumerable<(string Origin, string Destination)> queries, long minCommitSeq,
        Func<string, string, DateOnly, Task<string>>? diagnose = null)
    {
        foreach (var (origin, destination) in queries)
        {
            var sql = await cluster.SqlRatesAsync(origin, destination, From, To);
            var uri = new Uri($"/rates?date_from=2016-01-01&date_to=2016-12-31&origin={origin}&destination={destination}&include_count=true&min_commit_seq={minCommitSeq}", UriKind.Relative);
            using var response = await gateway.Process.Http.GetAsync(uri);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{uri}: {(int)response.StatusCode} {body}");
            var days = JsonDocument.Parse(body).RootElement.EnumerateArray()
                .Select(d => (DateOnly.Parse(d.GetProperty("day").GetString()!, CultureInfo.InvariantCulture),
                    d.GetProperty("average_price").ValueKind == JsonValueKind.Null ? (long?)null : d.GetProperty("average_price").GetInt64(),
                    d.GetProperty("count").GetInt32()))
                .ToList();
            var wrong = sql.Zip(days).FirstOrDefault(p => p.First != p.Second);
            if (diagnose is not null && wrong != default)
            {
                Assert.Fail($"{origin}->{destination} through {gateway.GrpcAddress}: {wrong.Second} but SQL {wrong.First}\n"
                    + await diagnose(origin, destination, wrong.First.Day));
            }

            Assert.Equal(sql, days);
        }
    }

    /// <summary>Every batch with a receipt is committed once, and the price table is exactly the seed plus those batches.</summary>
    internal static async Task AssertExactlyOnceAsync(string connectionString, Load load, Dictionary<(string, string, string, long), long> before)
    {
        var recorded = await Sql.ScalarAsync<long>(connectionString, "select count(*) from batches where id like 'load-%' and state = 'committed'");
        Assert.Equal(load.Committed.Count, recorded);
        var expected = new Dictionary<(string, string, string, long), long>(before);
        foreach (var item in load.Committed.Values.SelectMany(b => b.Items))
        {
            var key = (item.Origin, item.Destination, item.Day, item.Price);
            expected[key] = expected.GetValueOrDefault(key) + 1;
        }

        var after = await PriceMultisetAsync(connectionString);
        Assert.Equal(expected.Values.Sum(), after.Values.Sum());
        Assert.True(expected.Count == after.Count && expected.All(e => after.GetValueOrDefault(e.Key) == e.Value), "the price table is not the seed plus the committed batches");
    }

    internal static async Task<List<string>> PortCodesAsync(Cluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select code from ports order by id limit 40", connection);
        var codes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            codes.Add(reader.GetString(0));
        }

        return codes;
    }

    /// <summary>Region to region (regions with sub-regions) and port to port queries over the seeded data.</summary>
    internal static async Task<List<(string, string)>> QueriesAsync(Cluster cluster)
    {
        var parents = new List<string>();
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select distinct parent_slug from regions where parent_slug is not null order by 1 limit 4", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                parents.Add(reader.GetString(0));
            }
        }

        var ports = await PortCodesAsync(cluster);
        return [(parents[0], parents[1]), (parents[2], parents[3]), (ports[0], ports[1]), (ports[2], parents[0])];
    }

    internal static async Task<Dictionary<(string, string, string, long), long>> PriceMultisetAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select o.code, d.code, to_char(p.day, 'YYYY-MM-DD'), p.price::bigint, count(*)
            from prices p join ports o on o.id = p.lane >> 16 join ports d on d.id = p.lane & 65535
            group by 1, 2, 3, 4
            """, connection);
        var multiset = new Dictionary<(string, string, string, long), long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            multiset[(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3))] = reader.GetInt64(4);
        }

        return multiset;
    }
}
