using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Reporting;

/// <summary>One contender's runs at one batch size: wall times, the median of each phase it reported, and each run's phases.</summary>
public sealed record IngestResult(
    int Items, string Key, string Contender, Samples TotalMs, IReadOnlyList<double> RunsMs, double ItemsPerSecond,
    IReadOnlyDictionary<string, double> PhaseMediansMs, IReadOnlyList<IReadOnlyDictionary<string, double>> RunsPhasesMs);
