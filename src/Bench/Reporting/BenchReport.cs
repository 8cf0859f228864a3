namespace PriceIngest.Bench.Reporting;

/// <summary>Everything one run measured; written as JSON and rendered as markdown.</summary>
public sealed record BenchReport(
    string Mode,
    DateTimeOffset StartedAt,
    double Seconds,
    MachineInfo Machine,
    DataSummary Data,
    IReadOnlyDictionary<string, double> SetupSeconds,
    IReadOnlyList<IngestResult> Ingest,
    IReadOnlyList<RejectProbe> RejectProbes,
    IReadOnlyList<LookupResult> Lookups,
    IReadOnlyList<ColdBreakdown> ColdBreakdowns,
    MemoryResult Memory,
    CheckSummary Checks,
    IReadOnlyList<TargetResult> Targets,
    IReadOnlyList<string> Notes);
