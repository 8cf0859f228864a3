namespace PriceIngest.Bench.Reporting;

/// <summary>One target: what it asks, what was measured, met or not (null: a figure reported without a goal), and on what basis.</summary>
public sealed record TargetResult(string Target, string Goal, string Measured, bool? Met, string Basis);
