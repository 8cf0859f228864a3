using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService;
using PriceIngest.Grains.Storage;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using Xunit.Abstractions;

namespace PriceIngest.Integration.Tests.Storage;

/// <summary>
/// Migration 7 holds the tables and stored queries of Orleans's ADO.NET clustering provider, which
/// ships no SQL. These tests run the provider (10.4.2) against a database migrated by our Migrator.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansClusteringTableTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Invariant = "Npgsql";
    private const string ServiceId = "priceingest-tests";
    private const int Active = 3;
    private const int Dead = 6;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_silos_form_a_cluster_through_the_migrated_membership_table_and_a_stopping_silo_leaves_it()
    {
        var connectionString = await MigratedDatabaseAsync();
        var clusterId = NewClusterId();
        var clock = Stopwatch.StartNew();

        var first = await StartAsync(BuildSilo(connectionString, clusterId, out var firstPort));
        IHost? second = null;
        IHost? client = null;
        try
        {
            var firstUp = clock.Elapsed;
            second = await StartAsync(BuildSilo(connectionString, clusterId, out var secondPort));
            var secondUp = clock.Elapsed;

            Assert.Equal(2L, await Sql.ScalarAsync<long>(connectionString,
                "select count(*) from orleansmembershiptable where deploymentid = $1 and status = $2", clusterId, Active));

            // The client knows no silo: it finds the gateways through the table (GatewaysQueryKey).
            client = await StartAsync(BuildClient(connectionString, clusterId));
            var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);

            var hosts = await ActiveHostsAsync(management, expected: 2);
            Assert.Equal(new[] { firstPort, secondPort }.Order(), hosts.Keys.Select(s => s.Endpoint.Port).Order());
            Assert.All(hosts.Values, status => Assert.Equal(SiloStatus.Active, status));
            var formed = clock.Elapsed;

            // Graceful stop: the silo writes its own ShuttingDown and then Dead row before it exits.
            using (var stopping = new CancellationTokenSource(StepTimeout))
            {
                await second.StopAsync(stopping.Token);
            }

            var stopped = clock.Elapsed;
            await DisposeAsync(second);
            second = null;

            Assert.Equal(Dead, await Sql.ScalarAsync<int>(connectionString,
                "select status from orleansmembershiptable where deploymentid = $1 and port = $2", clusterId, secondPort));
            var remaining = await ActiveHostsAsync(management, expected: 1);
            Assert.Equal(firstPort, Assert.Single(remaining.Keys).Endpoint.Port);
            var left = clock.Elapsed;

            Assert.Equal(Active, await Sql.ScalarAsync<int>(connectionString,
                "select status from orleansmembershiptable where deploymentid = $1 and port = $2", clusterId, firstPort));

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"first silo up {firstUp.TotalSeconds:F2} s, second {secondUp.TotalSeconds:F2} s, client saw both {formed.TotalSeconds:F2} s, " +
                $"second stopped {stopped.TotalSeconds:F2} s, client saw one {left.TotalSeconds:F2} s"));
        }
        finally
        {
            await StopAsync(client);
            await StopAsync(second);
            await StopAsync(first);
        }
    }

    [Fact]
    public async Task Membership_writes_with_a_stale_table_version_change_nothing_and_cleanup_removes_only_expired_dead_silos()
    {
        var connectionString = await MigratedDatabaseAsync();
        var clusterId = NewClusterId();
        using var services = new ServiceCollection().BuildServiceProvider();
        var table = new AdoNetClusteringTable(
            services,
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = ServiceId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = Invariant, ConnectionString = connectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);

        // The version row is not part of the migration: the first silo of a cluster inserts it.
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var empty = await table.ReadAllAsync();
        Assert.Equal(0, empty.Version.Version);
        Assert.Empty(empty.Members);

        var started = DateTime.UtcNow.AddMinutes(-10);
        var alive = Entry(11111, SiloStatus.Active, started);
        var doomed = Entry(22222, SiloStatus.Active, started);

        Assert.True(await table.InsertRowAsync(alive, empty.Version.Next()));
        Assert.False(await table.InsertRowAsync(doomed, empty.Version.Next()));   // stale: version is 1 now
        var afterInsert = await table.ReadAllAsync();
        Assert.Equal(1, afterInsert.Version.Version);
        Assert.Equal(11111, Assert.Single(afterInsert.Members).Item1.SiloAddress.Endpoint.Port);
        Assert.False(await table.InsertRowAsync(alive, afterInsert.Version.Next())); // exists: no bump either
        Assert.True(await table.InsertRowAsync(doomed, afterInsert.Version.Next()));

        var read = await table.ReadRowAsync(doomed.SiloAddress);
        var (row, etag) = Assert.Single(read.Members);
        Assert.Equal(2, read.Version.Version);
        Assert.Equal(doomed.StartTime, row.StartTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal("silo-22222", row.SiloName);

        // A suspicion vote and then death, each a compare-and-swap on the version.
        row.SuspectTimes = [Tuple.Create(alive.SiloAddress, started.AddMinutes(1))];
        Assert.True(await table.UpdateRowAsync(row, etag, read.Version.Next()));
        row.Status = SiloStatus.Dead;
        Assert.False(await table.UpdateRowAsync(row, etag, read.Version.Next())); // stale
        var voted = await table.ReadRowAsync(doomed.SiloAddress);
        Assert.Equal(3, voted.Version.Version);
        var (votedRow, votedEtag) = Assert.Single(voted.Members);
        Assert.Equal(SiloStatus.Active, votedRow.Status);
        Assert.NotNull(votedRow.SuspectTimes);
        Assert.Equal(alive.SiloAddress, Assert.Single(votedRow.SuspectTimes).Item1);
        Assert.True(await table.UpdateRowAsync(row, votedEtag, voted.Version.Next()));

        // Heartbeats are not membership changes: the version stays.
        alive.IAmAliveTime = DateTime.UtcNow;
        await table.UpdateIAmAliveAsync(alive);
        var afterHeartbeat = await table.ReadRowAsync(alive.SiloAddress);
        Assert.Equal(4, afterHeartbeat.Version.Version);
        Assert.Equal(alive.IAmAliveTime, Assert.Single(afterHeartbeat.Members).Item1.IAmAliveTime, TimeSpan.FromMilliseconds(1));

        // Only a dead silo whose start, heartbeat and votes all lie before the cutoff is removed.
        await table.CleanupDefunctSiloEntriesAsync(started);
        Assert.Equal(2, (await table.ReadAllAsync()).Members.Count);
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        var cleaned = await table.ReadAllAsync();
        Assert.Equal(alive.SiloAddress, Assert.Single(cleaned.Members).Item1.SiloAddress);
        Assert.Equal(4, cleaned.Version.Version);

        // Joiners racing on one version: the version row's lock lets exactly one through.
        var racers = Enumerable.Range(0, 6).Select(i => Entry(33330 + i, SiloStatus.Joining, DateTime.UtcNow)).ToArray();
        var results = await Task.WhenAll(racers.Select(r => Task.Run(() => table.InsertRowAsync(r, cleaned.Version.Next()))));
        Assert.Single(results, inserted => inserted);
        var raced = await table.ReadAllAsync();
        Assert.Equal(5, raced.Version.Version);
        Assert.Equal(2, raced.Members.Count);

        Assert.Equal(10L, await Sql.ScalarAsync<long>(connectionString, "select count(*) from orleansquery"));
        await table.DeleteMembershipTableEntriesAsync(clusterId);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(connectionString,
            "select (select count(*) from orleansmembershiptable) + (select count(*) from orleansmembershipversiontable)"));
    }

    private async Task<string> MigratedDatabaseAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        return connectionString;
    }

    private static string NewClusterId() => "test-" + Guid.NewGuid().ToString("N");

    private static MembershipEntry Entry(int port, SiloStatus status, DateTime started) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1),
        SiloName = "silo-" + port.ToString(CultureInfo.InvariantCulture),
        HostName = "localhost",
        Status = status,
        ProxyPort = port + 1,
        StartTime = started,
        IAmAliveTime = started,
    };

    private static IHost BuildSilo(string connectionString, string clusterId, out int siloPort)
    {
        siloPort = FreePort();
        var gatewayPort = FreePort();
        var port = siloPort;
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo
            .UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            })
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = ServiceId;
            })
            .ConfigureEndpoints(IPAddress.Loopback, port, gatewayPort));
        return builder.Build();
    }

    private static IHost BuildClient(string connectionString, string clusterId)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            })
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = ServiceId;
            }));
        return builder.Build();
    }

    private static async Task<IHost> StartAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            await DisposeAsync(host);
            throw;
        }
    }

    private static async Task StopAsync(IHost? host)
    {
        if (host is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StepTimeout);
        await host.StopAsync(timeout.Token);
        await DisposeAsync(host);
    }

    private static async Task DisposeAsync(IHost host)
    {
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }

    /// <summary>
    /// Polls the cluster's view of its active silos until it has <paramref name="expected"/> of them.
    /// Calls may fail while the cluster changes (the management grain or the client's gateway may
    /// be on the silo that stops): those are retried.
    /// </summary>
    private static async Task<Dictionary<SiloAddress, SiloStatus>> ActiveHostsAsync(IManagementGrain management, int expected)
    {
        var deadline = Stopwatch.StartNew();
        Exception? lastError = null;
        Dictionary<SiloAddress, SiloStatus>? last = null;
        while (deadline.Elapsed < StepTimeout)
        {
            try
            {
                last = await management.GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(10));
                lastError = null;
                if (last.Count == expected)
                {
                    return last;
                }
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                lastError = e;
            }

            await Task.Delay(200);
        }

        var seen = last is null ? "nothing" : string.Join(", ", last.Select(h => $"{h.Key} {h.Value}"));
        throw new TimeoutException($"not {expected} active silos within {StepTimeout.TotalSeconds} s; last seen: {seen}", lastError);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
