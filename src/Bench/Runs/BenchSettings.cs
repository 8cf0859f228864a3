namespace PriceIngest.Bench.Runs;

/// <summary>Sizes and bounds of a run: the full run, or <c>--quick</c> (smaller, fewer repetitions).</summary>
public sealed record BenchSettings
{
    public bool Quick { get; init; }

    public int Seed { get; init; } = 42;

    public string OutputPath { get; init; } = Path.Combine("artifacts", "bench.json");

    public string? ConnectionString { get; init; }

    /// <summary>Measure the service over REST only (leave out the gRPC contender).</summary>
    public bool RestOnly { get; init; }

    public int BasePrices => Quick ? 200_000 : 1_000_000;

    /// <summary>Batch sizes and how many runs of each (every contender ingests every batch).</summary>
    public IReadOnlyList<(int Items, int Runs)> IngestSizes => Quick ? [(50_000, 3), (200_000, 2)] : [(50_000, 7), (1_000_000, 5)];

    /// <summary>Runs of the largest size with every price in EUR (converted by the service).</summary>
    public int EuroRuns => Quick ? 1 : 3;

    /// <summary>Runs of the largest size alternating between the shipped silo and one without telemetry.</summary>
    public int TelemetryIngestRuns => Quick ? 1 : 3;

    public int WarmPortSamples => Quick ? 128 : 640;

    public int WarmRegionSamples => Quick ? 12 : 48;

    /// <summary>Silo restarts for cold lookups; each gives 12 cold region and <see cref="ColdPortsPerLifetime"/> cold port lookups.</summary>
    public int ColdLifetimes => Quick ? 1 : 3;

    public int ColdPortsPerLifetime { get; init; } = 16;

    public int Concurrency { get; init; } = 32;

    public TimeSpan ThroughputTime => Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(6);

    public int ThroughputMaxRequests => Quick ? 40_000 : 200_000;

    public string SiloLogPath => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(OutputPath))!, Path.GetFileNameWithoutExtension(OutputPath) + "-silo.log");
}
