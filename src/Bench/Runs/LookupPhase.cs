using PriceIngest.Bench.Contenders;
using PriceIngest.Bench.Hosting;
using PriceIngest.Bench.Measurement;
using PriceIngest.Bench.Reporting;
using PriceIngest.Bench.Workloads;

namespace PriceIngest.Bench.Runs;

/// <summary>
/// Lookups on the base data: cold (fresh silo processes), then memory (a fresh silo warmed with every
/// lane), then warm latency at concurrency 1 and throughput at concurrency 32, service and plain SQL
/// alternating throughout; last, the warm region queries through a gateway in front of two silos.
/// </summary>
public sealed class LookupPhase(RunContext run)
{
    private const string Port = Targets.PortKind;
    private const string Region = Targets.RegionKind;

    public List<LookupResult> Results { get; } = [];

    public MemoryResult? Memory { get; private set; }

    public List<ColdBreakdown> ColdBreakdowns { get; } = [];

    /// <summary>How the lanes spread over the two silos before the cluster row was measured.</summary>
    public string? ClusterSettling { get; private set; }

    private const string LanesActive = "priceingest_lanes_active";

    private static readonly TimeSpan ColdSettle = TimeSpan.FromMilliseconds(100);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await ColdAsync(cancellationToken);
        await MemoryAsync(cancellationToken);
        await WarmLatencyAsync(cancellationToken);
        await ThroughputAsync(cancellationToken);
        await ClusterAsync(cancellationToken);
    }

    /// <summary>
    /// A second silo and a gateway join the run's silo (its lanes warm); the warm region queries
    /// then alternate between the gateway and the local silo (REST both), so the ratio is from one run.
    /// </summary>
    private async Task ClusterAsync(CancellationToken cancellationToken)
    {
        run.Say.Step("cluster: a second silo and a gateway over the same database");
        var logPath = run.Settings.SiloLogPath;
        await using var second = await SiloProcess.StartAsync(run.Silo.Current.ConnectionString, logPath, cancellationToken);
        await using var gateway = await SiloProcess.StartGatewayAsync(run.Silo.Current.ConnectionString, logPath, cancellationToken);
        using var client = new Contenders.Service.RestServiceClient();
        client.Connect(gateway.BaseAddress);
        var cluster = new Contenders.Service.ClusterRestContender(client);

        // Warm means settled: Orleans's rebalancer moves lanes onto the new silo (each one loads again
        // there) for a while after the join. Lookups go on meanwhile (they warm the gateway's connections
        // and every rates-grain key); the measurement starts once the split of lanes stopped changing.
        var settling = Elapsed.Now();
        var splits = new List<string>();
        var stableRounds = 0;
        // A quick run is a smoke test: it does not wait the minute or two the rebalancer takes.
        var settleFor = run.Settings.Quick ? 10_000 : 120_000;
        while (stableRounds < 3 && Elapsed.MillisecondsSince(settling) < settleFor)
        {
            foreach (var query in run.Queries.RegionWarm)
            {
                run.Book.Check(cluster.Name, query, await cluster.LookupAsync(query, cancellationToken));
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var split = $"{await run.Silo.Current.GaugeAsync(LanesActive, cancellationToken)} / {await second.GaugeAsync(LanesActive, cancellationToken)}";
            stableRounds = splits.Count > 0 && splits[^1] == split ? stableRounds + 1 : 0;
            splits.Add(split);
        }

        ClusterSettling = $"lanes per silo {splits[^1]} after {Elapsed.MillisecondsSince(settling) / 1000:F0} s of lookups{(stableRounds < 3 ? ", NOT SETTLED" : "")} (split every 2 s: {string.Join(", ", splits)})";

        var samples = run.Settings.WarmRegionSamples;
        run.Say.Step($"cluster: warm lookups, concurrency 1: {Region}, {samples} each, gateway and local silo alternating");
        ILookupContender[] contenders = [cluster, run.Service];
        var timings = await LatencyWorkload.RunAsync(contenders, run.Queries.RegionWarm, samples, run.Book, cancellationToken);
        Results.Add(new(Region, Targets.ClusterTemperature, cluster.Name, 1, samples, Samples.Of(timings[cluster.Name]), null));
        Results.Add(new(Region, Targets.ClusterTemperature, run.Service.Name, 1, samples, Samples.Of(timings[run.Service.Name]), null));
    }

    private async Task ColdAsync(CancellationToken cancellationToken)
    {
        var sql = run.Covering;
        var times = new Dictionary<(string Kind, string Contender), List<double>>();
        var loads = new Dictionary<(string Kind, string Contender), List<(double Lanes, double Ms, double DbMs, double Queries)>>();
        static void Add<T>(Dictionary<(string, string), List<T>> to, (string, string) key, T value)
        {
            if (!to.TryGetValue(key, out var list))
            {
                to[key] = list = [];
            }

            list.Add(value);
        }

        // Each service contender gets its own fresh silo processes: a lane is cold only for the first caller.
        foreach (var service in run.Services)
        {
            for (var lifetime = 0; lifetime < run.Settings.ColdLifetimes; lifetime++)
            {
                run.Say.Step($"cold lookups, {service.Name}: silo restart {lifetime + 1} of {run.Settings.ColdLifetimes}");
                await run.RestartSiloAsync(cancellationToken);
                await run.WarmUpCodeAsync(cancellationToken);
                foreach (var (kind, queries) in new[] { (Port, run.Queries.PortCold[lifetime]), (Region, run.Queries.RegionCold) })
                {
                    for (var i = 0; i < queries.Count; i++)
                    {
                        // Alternate who goes first; the service's lanes are cold whatever the order.
                        ILookupContender[] order = i % 2 == 0 ? [service, sql] : [sql, service];
                        foreach (var contender in order)
                        {
                            var isService = ReferenceEquals(contender, service);
                            if (isService && run.PhasesAvailable)
                            {
                                await run.Statements.ResetAsync(cancellationToken);
                            }

                            var started = Elapsed.Now();
                            var answer = await contender.LookupAsync(queries[i], cancellationToken);
                            var ms = Elapsed.MillisecondsSince(started);
                            Add(times, (kind, contender.Name), ms);
                            run.Book.Check(contender.Name, queries[i], answer);
                            if (isService && run.PhasesAvailable)
                            {
                                var (dbMs, calls) = (await run.Statements.ReadAsync(cancellationToken))[StatementStatistics.LaneLoads];
                                Add(loads, (kind, service.Name), (run.Queries.LanesWithPricesOf(queries[i]), ms, dbMs, (double)calls));
                            }

                            if (isService)
                            {
                                // The silo wakes the lanes' grains after it answered: let that end
                                // before the next query, so it slows neither contender's timing.
                                await Task.Delay(ColdSettle, cancellationToken);
                            }
                        }
                    }
                }
            }
        }

        foreach (var ((kind, contender), list) in times)
        {
            Results.Add(new(kind, "cold", contender, 1, list.Count, Samples.Of(list), null));
        }

        foreach (var ((kind, contender), list) in loads)
        {
            ColdBreakdowns.Add(new(kind, contender, Median(list.Select(l => l.Lanes)), Median(list.Select(l => l.Ms)), Median(list.Select(l => l.DbMs)), Median(list.Select(l => l.Queries))));
        }
    }

    private static double Median(IEnumerable<double> values) => Samples.Of([.. values]).Median;

    private async Task MemoryAsync(CancellationToken cancellationToken)
    {
        run.Say.Step("memory: fresh silo, then every lane of the data set into the caches");
        await run.RestartSiloAsync(cancellationToken);
        await run.WarmUpCodeAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var before = run.Silo.Current.ResidentBytes();
        var started = Elapsed.Now();
        foreach (var query in run.Queries.RegionAll)
        {
            run.Book.Check(run.Service.Name, query, await run.Service.LookupAsync(query, cancellationToken));
        }

        var warmAll = Elapsed.MillisecondsSince(started) / 1000;
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var after = run.Silo.Current.ResidentBytes();
        var laneDays = run.Queries.LaneDaysHeld;
        var perLaneDay = (after - before) / (double)laneDays;
        Memory = new(before, after, run.Queries.LanesWithPrices, run.Queries.LanesWithPrices, laneDays, perLaneDay, perLaneDay * 1_000_000 / (1024 * 1024), warmAll);
    }

    private async Task WarmLatencyAsync(CancellationToken cancellationToken)
    {
        ILookupContender[] contenders = [.. run.Services, run.Covering, run.AcceptanceSql];
        foreach (var (kind, queries, samples) in new[]
        {
            (Port, run.Queries.PortWarm, run.Settings.WarmPortSamples),
            (Region, run.Queries.RegionWarm, run.Settings.WarmRegionSamples),
        })
        {
            run.Say.Step($"warm lookups, concurrency 1: {kind}, {samples} each");
            var timings = await LatencyWorkload.RunAsync(contenders, queries, samples, run.Book, cancellationToken);
            foreach (var contender in contenders)
            {
                Results.Add(new(kind, "warm", contender.Name, 1, samples, Samples.Of(timings[contender.Name]), null));
            }
        }
    }

    private async Task ThroughputAsync(CancellationToken cancellationToken)
    {
        var settings = run.Settings;
        var round = 0;
        foreach (var (kind, queries) in new[] { (Port, run.Queries.PortWarm), (Region, run.Queries.RegionWarm) })
        {
            ILookupContender[] contenders = [.. run.Services, run.Covering];
            var first = round++;
            var order = Enumerable.Range(0, contenders.Length).Select(j => contenders[(first + j) % contenders.Length]);
            foreach (var contender in order)
            {
                run.Say.Step($"throughput, concurrency {settings.Concurrency}: {kind}, {contender.Name}");
                // A short unmeasured burst opens every connection (HTTP keep-alive, Npgsql pool).
                await ThroughputWorkload.RunAsync(contender, queries, settings.Concurrency, settings.Concurrency * 4, TimeSpan.FromSeconds(1), run.Book, cancellationToken);
                var result = await ThroughputWorkload.RunAsync(
                    contender, queries, settings.Concurrency, settings.ThroughputMaxRequests, settings.ThroughputTime, run.Book, cancellationToken);
                Results.Add(new(kind, "warm", contender.Name, settings.Concurrency, result.Requests, result.LatencyMs, result.PerSecond));
            }
        }
    }
}
