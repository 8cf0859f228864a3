namespace PriceIngest.Bench.Reporting;

/// <summary>One target of issue 5: what it asks, what was measured, met or not, and on what basis.</summary>
public sealed record TargetResult(string Target, string Goal, string Measured, bool Met, string Basis);
