using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Reporting;

/// <summary>One contender's runs at one batch size: wall times and the median of each phase it reported.</summary>
public sealed record IngestResult(
    int Items, string Key, string Contender, Samples TotalMs, IReadOnlyList<double> RunsMs, double ItemsPerSecond,
    IReadOnlyDictionary<string, double> PhaseMediansMs);
