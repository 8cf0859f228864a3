using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Reporting;

/// <summary>
/// Lookups of one kind by one contender: <c>Temperature</c> "warm" (lanes cached) or "cold" (first
/// touch of every lane after a silo restart; plain SQL has no such state and is timed alike),
/// latency at <c>Concurrency</c>, and the rate when it was a throughput run.
/// </summary>
public sealed record LookupResult(
    string Kind, string Temperature, string Contender, int Concurrency, int Queries, Samples LatencyMs, double? PerSecond);
