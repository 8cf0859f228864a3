using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// Per-day price sums and counts of one lane (or a merge of lanes) for the days
/// <c>From .. From + Sums.Length - 1</c>. A day without prices has count 0.
/// </summary>
[GenerateSerializer]
[Alias("priceingest.LaneDays")]
[Immutable]
public sealed record LaneDays(DateOnly From, ImmutableArray<long> Sums, ImmutableArray<int> Counts, long AppliedSeq);
