using System.Diagnostics;
using PriceIngest.Client;
using PriceIngest.Integration.Tests.Cluster;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using Xunit.Abstractions;
using ClusterProcesses = PriceIngest.Integration.Tests.Cluster.Cluster;

namespace PriceIngest.Integration.Tests.Failover;

/// <summary>
/// The database fails over under load: Patroni with two PostgreSQL nodes (synchronous standby),
/// two silos and a gateway given both hosts with <c>Target Session Attributes=primary</c>, and the
/// primary's machine killed (-9) mid-ingest. Real processes on loopback, bounded in time.
/// </summary>
[Collection(ClusterPostgresCollection.Name)]
public sealed class PostgresFailoverTests(ITestOutputHelper output)
{
    /// <summary>
    /// The retry policy docs/operations.md "Failover" asks of clients: it outlasts Patroni's leader
    /// TTL (10 s here) plus promotion: 0.5 + 1 + 2 + 4 + 5 x 6 = 37.5 s of waits over 11 attempts.
    /// </summary>
    public static PriceIngestClientOptions FailoverPolicy(Action<RetryNotice> onRetry) => new()
    {
        MaxAttempts = 11,
        RetryDelay = TimeSpan.FromMilliseconds(500),
        MaxRetryDelay = TimeSpan.FromSeconds(5),
        CallTimeout = TimeSpan.FromSeconds(30),
        OnRetry = onRetry,
    };

    [Fact]
    public async Task Primary_killed_mid_ingest_loses_no_receipt_and_no_call_and_warm_lookups_keep_answering()
    {
        await using var patroni = await PatroniCluster.StartAsync();
        await using var cluster = await ClusterProcesses.CreateAsync(patroni.ConnectionString);
        ClusterProcesses.Node[] silos = [await cluster.StartSiloAsync(seed: true), await cluster.StartSiloAsync()];
        var gateway = await cluster.StartGatewayAsync();
        var ports = await ClusterProcessTests.PortCodesAsync(cluster);
        var queries = await ClusterProcessTests.QueriesAsync(cluster);
        var before = await ClusterProcessTests.PriceMultisetAsync(cluster.ConnectionString);

        Load? load = null;
        using var client = new PriceIngestClient([new Uri(gateway.GrpcAddress)], FailoverPolicy(notice => load!.OnRetry(notice)));
        using var running = load = new Load(client, ports, queries);
        load.Start(uploaders: 2, readers: 2, itemsPerBatch: 2_000, pause: TimeSpan.Zero);

        // Warm every queried lane first: from here on, lookups must never need the database.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var committedBeforeKill = load.Committed.Count;
        var lookupsBeforeKill = load.Lookups;
        var old = await patroni.LeaderAsync();
        var killedAt = Stopwatch.GetTimestamp();
        using var readiness = ReadinessWatch.Start(silos, killedAt);
        PatroniCluster.Kill(old);
        var promoted = await patroni.WaitForNewLeaderAsync(old);
        var promotedAfter = Stopwatch.GetElapsedTime(killedAt);

        // The first batch committed on the new primary: a receipt issued after the promotion.
        var firstCommitAfter = await FirstCommitAfterAsync(load, load.Committed.Count, TimeSpan.FromSeconds(90));
        var firstCommit = Stopwatch.GetElapsedTime(killedAt);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await load.StopAsync();
        await readiness.StopAsync();
        foreach (var (node, name) in silos.Select((s, i) => (s, $"silo{i + 1}")).Append((gateway, "gateway")))
        {
            await File.WriteAllTextAsync(TestArtifacts.PathOf($"failover-{name}.log"), node.Process.Output);
        }

        await File.WriteAllTextAsync(TestArtifacts.PathOf("failover-patroni.log"), patroni.Logs(int.MaxValue));

        output.WriteLine($"killed {old.Name}; {promoted.Name} led after {promotedAfter.TotalSeconds:0.0} s; first commit after the kill at {firstCommit.TotalSeconds:0.0} s ({firstCommitAfter})");
        output.WriteLine($"committed batches {load.Committed.Count} ({committedBeforeKill} before the kill), lookups {load.Lookups} ({lookupsBeforeKill} before), client retries {load.Retries} ({string.Join(", ", load.RetriesByOperation.Select(r => $"{r.Key} {r.Value}"))}), failed calls {load.Failures.Count}");
        output.WriteLine($"readiness: {readiness}");
        Assert.True(load.Failures.IsEmpty, "failed client calls:\n" + string.Join('\n', load.Failures.Take(20)) + "\n" + cluster.LoggedProblems() + "\n" + patroni.Logs());
        Assert.True(load.Committed.Count > committedBeforeKill, "no batch committed after the failover");

        // Readiness said Degraded while no primary answered, and Healthy again once one did.
        Assert.True(readiness.Saw("Degraded"), $"no silo reported Degraded during the switch: {readiness}");
        Assert.All(silos.Select((_, i) => readiness.Last(i)), last => Assert.Equal("Healthy", last));

        // On the new primary: every receipt's batch exactly once, nothing half visible.
        await ClusterProcessTests.AssertExactlyOnceAsync(cluster.ConnectionString, load, before);

        // Every silo's lane caches followed the commits made on the new primary (LISTEN again, catch-up).
        await ClusterProcessTests.AssertAnswersEqualSqlAsync(cluster, gateway, queries, load.Committed.Values.Select(b => b.CommitSeq).DefaultIfEmpty(0).Max());

        // The old primary rejoins as the synchronous standby and replays everything: an operator's
        // restart is all it takes (docs/operations.md "Failover").
        var rejoining = Stopwatch.GetTimestamp();
        await patroni.RejoinAsync(old);
        output.WriteLine($"{old.Name} rejoined as synchronous standby after {Stopwatch.GetElapsedTime(rejoining).TotalSeconds:0.0} s");
        var receipt = await client.UploadAsync("after-rejoin", _ => Load.Batch(7, 100, ports).ToAsyncEnumerable());
        Assert.Equal(Contracts.V1.BatchStatus.Committed, receipt.Status);
        var onLeader = await Sql.ScalarAsync<long>(cluster.ConnectionString, "select count(*) from prices");
        Assert.True(await Api.RatesApi.EventuallyAsync(
            async () => await Sql.ScalarAsync<long>(PatroniCluster.AdminConnectionString(old, PatroniCluster.Database), "select count(*) from prices") == onLeader,
            TimeSpan.FromSeconds(30)), $"{old.Name} did not replay the {onLeader} prices of the new primary");
    }

    private static async Task<string> FirstCommitAfterAsync(Load load, int committedBefore, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (load.Committed.Count <= committedBefore)
        {
            await Task.Delay(50, deadline.Token);
        }

        return $"{load.Committed.Count - committedBefore} new receipts";
    }
}
