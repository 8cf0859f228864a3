using PriceIngest.Bench.Contenders;
using PriceIngest.Bench.Contenders.Service;
using PriceIngest.Bench.Data;
using PriceIngest.Bench.Hosting;
using PriceIngest.Bench.Measurement;
using PriceIngest.Bench.Reporting;
using PriceIngest.Bench.Workloads;

namespace PriceIngest.Bench.Runs;

/// <summary>
/// What telemetry costs, in the same run: fresh silos that differ only in telemetry, each its own
/// Orleans cluster over the run's database (so each holds its own lanes), started, warmed and fed
/// alike: one as shipped (metrics and dashboard on, traces off without an OTLP endpoint), one with
/// every kind off (no metrics, no dashboard and its grain-call profiling, no traces) and, for
/// lookups, one that also records traces. Warm lookups alternate over the three; the largest batch
/// size alternates between shipped and off. None of them runs during the other phases.
/// </summary>
public sealed class TelemetryPhase(RunContext run)
{
    public const string Shipped = ", telemetry as shipped";

    public const string Off = ", telemetry off";

    public const string TracesOn = ", traces on";

    private const int WarmUpLookups = 300;

    public List<LookupResult> Lookups { get; } = [];

    public List<IngestResult> Ingest { get; } = [];

    /// <summary>Warm port and region lookups at concurrency 1, alternating over the shipped, off and traced silos.</summary>
    public async Task LookupsAsync(CancellationToken cancellationToken)
    {
        run.Say.Step("telemetry: three fresh silos (as shipped, telemetry off, traces on), each its own cluster over the same database");
        await using var shipped = await Variant.StartAsync(run, Shipped, [], cancellationToken);
        await using var off = await Variant.StartAsync(run, Off, OffSettings, cancellationToken);
        await using var traced = await Variant.StartAsync(run, TracesOn, ["--Telemetry:Traces=true"], cancellationToken);
        ILookupContender[] contenders = [shipped.Service, off.Service, traced.Service];
        foreach (var (kind, queries, samples) in new[]
        {
            (Targets.PortKind, run.Queries.PortWarm, run.Settings.WarmPortSamples),
            (Targets.RegionKind, run.Queries.RegionWarm, run.Settings.WarmRegionSamples),
        })
        {
            // Unmeasured: every lane of the queries into each silo's caches, and enough calls for the JIT's tier-up.
            foreach (var contender in contenders)
            {
                for (var i = 0; i < Math.Max(queries.Count * 2, WarmUpLookups); i++)
                {
                    run.Book.Check(contender.Name, queries[i % queries.Count], await contender.LookupAsync(queries[i % queries.Count], cancellationToken));
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            run.Say.Step($"telemetry: warm lookups, concurrency 1: {kind}, {samples} each, as shipped, off and traces on alternating");
            var timings = await LatencyWorkload.RunAsync(contenders, queries, samples, run.Book, cancellationToken);
            foreach (var contender in contenders)
            {
                Lookups.Add(new(kind, Targets.TelemetryTemperature, contender.Name, 1, samples, Samples.Of(timings[contender.Name]), null));
            }
        }
    }

    /// <summary>
    /// The largest batch size, alternating between the shipped silo and the one without telemetry
    /// (each commits the batch under its own id; the textbook table receives it as often).
    /// </summary>
    public async Task IngestAsync(IngestPhase ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        run.Say.Step("telemetry: two fresh silos (as shipped, telemetry off) for ingest, every lane warmed into both");
        await using var shipped = await Variant.StartAsync(run, Shipped, [], cancellationToken);
        await using var off = await Variant.StartAsync(run, Off, OffSettings, cancellationToken);
        IIngestContender[] contenders = [shipped.Service, off.Service];
        var items = run.Settings.IngestSizes[^1].Items;
        foreach (var service in contenders.Cast<RestServiceContender>())
        {
            // Unmeasured: every lane into the caches, as the run's silo holds them in the ingest runs,
            // then a small and a largest-size batch for the code and the heap.
            foreach (var query in run.Queries.RegionAll)
            {
                run.Book.Check(service.Name, query, await service.LookupAsync(query, cancellationToken));
            }

            foreach (var (size, seed) in new[] { (IngestPhase.WarmUpItems, 6900), (items, 6901) })
            {
                var warmUp = ingest.Prepare(size, seed, $"telemetry-warmup-{size}");
                await service.IngestAsync(warmUp with { Id = $"{warmUp.Id}-{service.Key}" }, cancellationToken);
                await ingest.Textbook.IngestAsync(warmUp, cancellationToken);
                ingest.Batches.Add(warmUp);
            }
        }

        var timings = contenders.ToDictionary(c => c.Key, _ => new List<IngestTiming>(), StringComparer.Ordinal);
        for (var r = 0; r < run.Settings.TelemetryIngestRuns; r++)
        {
            var batch = ingest.Prepare(items, 7000 + r, $"telemetry-{items}-{r}");
            await ingest.CheckpointAsync(cancellationToken);
            for (var j = 0; j < contenders.Length; j++)
            {
                var contender = contenders[(r + j) % contenders.Length];
                run.Say.Step($"telemetry: ingest {items:N0} items, run {r + 1} of {run.Settings.TelemetryIngestRuns}: {contender.Name}");
                await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                timings[contender.Key].Add(await ingest.IngestAsync(contender, batch with { Id = $"{batch.Id}-{contender.Key}" }, cancellationToken));
                await ingest.Textbook.IngestAsync(batch, cancellationToken);
            }

            ingest.Batches.Add(batch);
        }

        foreach (var contender in contenders)
        {
            Ingest.Add(IngestPhase.Summarise(items, contender.Key, contender.Name, timings[contender.Key]));
        }
    }

    private static readonly string[] OffSettings = ["--Telemetry:Metrics=false", "--Telemetry:Dashboard=false", "--Telemetry:Traces=false"];

    /// <summary>One silo of the phase with its client.</summary>
    private sealed class Variant(SiloHost silo, RestServiceClient client, RestServiceContender service) : IAsyncDisposable
    {
        public RestServiceContender Service => service;

        public static async Task<Variant> StartAsync(RunContext run, string name, string[] settings, CancellationToken cancellationToken)
        {
            var id = "bench" + name.Replace(", ", "-", StringComparison.Ordinal).Replace(' ', '-');
            var silo = new SiloHost(run.Silo.Current.ConnectionString, run.Settings.SiloLogPath, [$"--Cluster:ClusterId={id}", $"--Cluster:ServiceId={id}", .. settings]);
            await silo.StartAsync(cancellationToken);
            var client = new RestServiceClient();
            var service = new RestServiceContender(client, silo, run.Reference, name);
            service.Connect(silo.Current.Endpoints);
            return new(silo, client, service);
        }

        public async ValueTask DisposeAsync()
        {
            await silo.DisposeAsync();
            client.Dispose();
        }
    }
}
