namespace PriceIngest.Bench.Contenders;

/// <summary>Wall time of one ingest, and what a contender could tell about its phases (ms).</summary>
public sealed record IngestTiming(double TotalMs, IReadOnlyDictionary<string, double> PhasesMs);
