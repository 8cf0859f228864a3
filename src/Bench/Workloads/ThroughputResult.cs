using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Workloads;

/// <summary>Lookups completed by N concurrent callers within a bound of count and time.</summary>
public sealed record ThroughputResult(int Concurrency, int Requests, double Seconds, double PerSecond, Samples LatencyMs);
