using System.Collections.Immutable;
using Orleans;

namespace PriceIngest.Grains.Lanes;

/// <summary>What one commit (sequence <paramref name="CommitSeq"/>) added to one lane: per day number, sum and count.</summary>
[GenerateSerializer]
[Alias("priceingest.LaneDelta")]
[Immutable]
public sealed record LaneDelta(long CommitSeq, ImmutableArray<DayTotal> Days);

/// <summary>A day (<see cref="DateOnly.DayNumber"/>) with the sum and count of prices added that day.</summary>
[GenerateSerializer]
[Alias("priceingest.DayTotal")]
public readonly record struct DayTotal(int DayNumber, long Sum, int Count);
